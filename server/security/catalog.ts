import { sql, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";

export type AnyDb = Pick<PgDatabase<PgQueryResultHKT>, "execute">;

const rows = async <T>(db: AnyDb, query: SQL) => (await db.execute(query)) as unknown as T[];

// Every role the runtime login can act as: itself, the roles it inherits and those it may SET ROLE
// to (the session roles). A privilege any of them holds is one the app's connection can use.
// By oid, so a missing login yields no rows instead of an error.
const acting = (role: string) =>
  sql`select r.oid from pg_roles me join pg_roles r on pg_has_role(me.oid, r.oid, 'MEMBER') where me.rolname = ${role}`;

// A schema owned by pg_database_owner is really owned by whoever owns the database.
const schemaOwner = sql`case when n.nspowner = 'pg_database_owner'::regrole
  then (select datdba from pg_database where datname = current_database()) else n.nspowner end`;

export interface RelationRow {
  name: string;
  kind: string;
  enabled: boolean;
  forced: boolean;
  owner: string;
  ownerSuperuser: boolean;
  /** TRUNCATE / REFERENCES (on the table or any column) / TRIGGER the runtime role can use. */
  runtimeGrants: string[];
  /** The runtime role can read or write it at all (any column). */
  runtimeAccess: boolean;
}

/** Tables, views, sequences… of `public` (not indexes: they follow their table). */
export const readRelations = (db: AnyDb, role: string) =>
  rows<RelationRow>(
    db,
    sql`select c.relname as "name", c.relkind::text as "kind", c.relrowsecurity as "enabled", c.relforcerowsecurity as "forced",
               o.rolname as "owner", o.rolsuper as "ownerSuperuser",
               array(select p from unnest(array['TRUNCATE', 'REFERENCES', 'TRIGGER']) p
                     where c.relkind in ('r', 'p') and exists (select 1 from (${acting(role)}) a
                       where case p when 'REFERENCES' then has_any_column_privilege(a.oid, c.oid, p) else has_table_privilege(a.oid, c.oid, p) end)
               ) as "runtimeGrants",
               c.relkind in ('r', 'p') and exists (select 1 from (${acting(role)}) a
                 where has_table_privilege(a.oid, c.oid, 'DELETE') or has_any_column_privilege(a.oid, c.oid, 'SELECT, INSERT, UPDATE')
               ) as "runtimeAccess"
        from pg_class c join pg_roles o on o.oid = c.relowner
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
        order by c.relname`,
  );

export interface PolicyRow {
  table: string;
  name: string;
  command: string;
  permissive: string;
  roles: string[];
  using: string | null;
  withCheck: string | null;
}

export const readPolicies = (db: AnyDb) =>
  rows<PolicyRow>(
    db,
    sql`select tablename as "table", policyname as "name", cmd as "command", permissive, roles::text[] as "roles", qual as "using", with_check as "withCheck"
        from pg_policies where schemaname = 'public' order by tablename, policyname`,
  );

export interface FunctionRow {
  name: string;
  securityDefiner: boolean;
  owner: string;
  ownerSuperuser: boolean;
  /** The value of a pinned `search_path=…` in proconfig, or null when none is pinned. */
  searchPath: string | null;
  /** Grantees of EXECUTE; a NULL proacl means the default, which includes PUBLIC. */
  executableBy: string[];
}

/** The app's functions in `public`; functions that belong to an extension are the extension's business. */
export const readFunctions = (db: AnyDb) =>
  rows<FunctionRow>(
    db,
    sql`select format('%I(%s)', p.proname, oidvectortypes(p.proargtypes)) as "name",
               p.prosecdef as "securityDefiner", o.rolname as "owner", o.rolsuper as "ownerSuperuser",
               (select substr(c, length('search_path=') + 1) from unnest(p.proconfig) c where starts_with(c, 'search_path=')) as "searchPath",
               array(select case a.grantee when 0 then 'PUBLIC' else pg_get_userbyid(a.grantee)::text end
                     from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                     where a.privilege_type = 'EXECUTE' order by 1) as "executableBy"
        from pg_proc p join pg_roles o on o.oid = p.proowner
        where p.pronamespace = 'public'::regnamespace
          and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
        order by 1`,
  );

export interface SchemaRow {
  name: string;
  owner: string;
  ownerSuperuser: boolean;
  publicCreate: boolean;
  runtimeCreate: boolean;
}

/** Every schema but the system ones (pg_catalog, information_schema, pg_toast, pg_temp_N). */
export const readSchemas = (db: AnyDb, role: string) =>
  rows<SchemaRow>(
    db,
    sql`select n.nspname as "name", o.rolname as "owner", o.rolsuper as "ownerSuperuser",
               has_schema_privilege('public', n.oid, 'CREATE') as "publicCreate",
               exists (select 1 from (${acting(role)}) a where has_schema_privilege(a.oid, n.oid, 'CREATE')) as "runtimeCreate"
        from pg_namespace n join pg_roles o on o.oid = ${schemaOwner}
        where n.nspname !~ '^pg_' and n.nspname <> 'information_schema'
        order by n.nspname`,
  );

export interface DatabaseRow {
  name: string;
  publicTemp: boolean;
  publicCreate: boolean;
  runtimeTemp: boolean;
  runtimeCreate: boolean;
}

/** TEMPORARY (temp tables, types, functions in pg_temp) and CREATE (new schemas) on this database. */
export const readDatabase = async (db: AnyDb, role: string) =>
  (
    await rows<DatabaseRow>(
      db,
      sql`select current_database() as "name",
                 has_database_privilege('public', current_database(), 'TEMPORARY') as "publicTemp",
                 has_database_privilege('public', current_database(), 'CREATE') as "publicCreate",
                 exists (select 1 from (${acting(role)}) a where has_database_privilege(a.oid, current_database(), 'TEMPORARY')) as "runtimeTemp",
                 exists (select 1 from (${acting(role)}) a where has_database_privilege(a.oid, current_database(), 'CREATE')) as "runtimeCreate"`,
    )
  )[0];

export interface RoleRow {
  superuser: boolean;
  bypassRls: boolean;
  ownsTables: number;
  ownsFunctions: number;
  /** Other roles it inherits or may SET ROLE to. */
  actsAs: { name: string; superuser: boolean; bypassRls: boolean }[];
}

export const readRole = async (db: AnyDb, role: string): Promise<RoleRow | undefined> =>
  (
    await rows<RoleRow>(
      db,
      sql`select r.rolsuper as "superuser", r.rolbypassrls as "bypassRls",
                 (select count(*)::int from pg_class c where c.relowner = r.oid and c.relnamespace = 'public'::regnamespace) as "ownsTables",
                 (select count(*)::int from pg_proc p where p.proowner = r.oid and p.pronamespace = 'public'::regnamespace) as "ownsFunctions",
                 coalesce((select json_agg(json_build_object('name', a.rolname, 'superuser', a.rolsuper, 'bypassRls', a.rolbypassrls) order by a.rolname)
                           from pg_roles a where a.oid <> r.oid and pg_has_role(r.oid, a.oid, 'MEMBER')), '[]') as "actsAs"
          from pg_roles r where r.rolname = ${role}`,
    )
  )[0];
