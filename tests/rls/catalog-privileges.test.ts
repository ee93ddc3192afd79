import { describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "@/server/db/config";
import { ownerSql, runtimeUrl } from "@/tests/helpers/db";

// Ground truth for the posture check, by hand-written catalog queries (not server/security).
// These hold since the careroster_owner migration (drizzle/0009_boundary.sql).
describe("catalog: ownership and privileges outside RLS", () => {
  const runtime = () => parseDatabaseUrl(runtimeUrl(), "DATABASE_URL").user;

  it("every SECURITY DEFINER function pins search_path with pg_temp last, or empty", async () => {
    const loose = await ownerSql()`
      select proname from pg_proc where pronamespace = 'public'::regnamespace and prosecdef
        and not exists (select 1 from unnest(proconfig) c where c ~ '^search_path=(.*, )?pg_temp$' or c = 'search_path=""')`;
    expect(loose.map((r) => r.proname)).toEqual([]);
  });

  it("no function in public is executable by PUBLIC (a NULL proacl counts as PUBLIC)", async () => {
    const open = await ownerSql()`
      select proname from pg_proc p where pronamespace = 'public'::regnamespace
        and exists (select 1 from aclexplode(coalesce(proacl, acldefault('f', proowner))) a where a.grantee = 0 and a.privilege_type = 'EXECUTE')`;
    expect(open.map((r) => r.proname)).toEqual([]);
  });

  it("nothing in public, nor the schema itself, is owned by a superuser", async () => {
    const owned = await ownerSql()`
      select c.relname as name from pg_class c join pg_roles o on o.oid = c.relowner
        where c.relnamespace = 'public'::regnamespace and c.relkind <> 'i' and o.rolsuper
      union all
      select p.proname from pg_proc p join pg_roles o on o.oid = p.proowner where p.pronamespace = 'public'::regnamespace and o.rolsuper
      union all
      select 'schema public' from pg_namespace n join pg_database d on d.datname = current_database()
        join pg_roles o on o.oid = case when n.nspowner = 'pg_database_owner'::regrole then d.datdba else n.nspowner end
        where n.nspname = 'public' and o.rolsuper`;
    expect(owned.map((r) => r.name)).toEqual([]);
  });

  it("neither PUBLIC nor the runtime role may create temporary objects, schemas or objects in any schema", async () => {
    const rows = await ownerSql()`
      select who, what from unnest(array['public', ${runtime()}]) who,
        lateral (select 'TEMPORARY' as what where has_database_privilege(who, current_database(), 'TEMPORARY')
                 union all select 'CREATE on the database' where has_database_privilege(who, current_database(), 'CREATE')
                 union all select 'CREATE on ' || nspname from pg_namespace
                   where nspname !~ '^pg_' and nspname <> 'information_schema' and has_schema_privilege(who, oid, 'CREATE')) x`;
    expect(rows).toEqual([]);
  });

  it("the runtime role has no TRUNCATE, REFERENCES or TRIGGER on any table", async () => {
    const rows = await ownerSql()`
      select c.relname, p from pg_class c, unnest(array['TRUNCATE', 'REFERENCES', 'TRIGGER']) p
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and has_table_privilege(${runtime()}, c.oid, p)`;
    expect(rows).toEqual([]);
  });
});
