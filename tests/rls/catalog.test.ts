import { describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "@/server/db/config";
import { ownerSql, runtimeUrl } from "@/tests/helpers/db";

describe("catalog", () => {
  it("every table in the app schema has RLS enabled and forced", async () => {
    const rows = await ownerSql()`
      select c.relname, c.relrowsecurity, c.relforcerowsecurity
      from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') order by 1`;
    expect(rows.length).toBeGreaterThanOrEqual(9);
    for (const r of rows)
      expect({ table: r.relname, enabled: r.relrowsecurity, forced: r.relforcerowsecurity }).toEqual({
        table: r.relname,
        enabled: true,
        forced: true,
      });
  });

  it("the runtime role is a plain login: not superuser, no BYPASSRLS, owns nothing", async () => {
    const { user } = parseDatabaseUrl(runtimeUrl(), "DATABASE_URL");
    const [role] = await ownerSql()`
      select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb,
             (select count(*)::int from pg_class where relowner = r.oid) as owned,
             (select count(*)::int from pg_proc where proowner = r.oid) as functions
      from pg_roles r where rolname = ${user}`;
    expect(role).toEqual({
      rolsuper: false,
      rolbypassrls: false,
      rolcreaterole: false,
      rolcreatedb: false,
      owned: 0,
      functions: 0,
    });
  });

  it("the runtime role cannot update or delete audit rows, nor truncate anything", async () => {
    const { user } = parseDatabaseUrl(runtimeUrl(), "DATABASE_URL");
    const rows = await ownerSql()`
      select c.relname,
             has_table_privilege(${user}, c.oid, 'UPDATE') as upd,
             has_table_privilege(${user}, c.oid, 'DELETE') as del,
             has_table_privilege(${user}, c.oid, 'TRUNCATE') as trunc
      from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'`;
    const audit = rows.find((r) => r.relname === "audit_events")!;
    expect({ upd: audit.upd, del: audit.del }).toEqual({ upd: false, del: false });
    expect(rows.filter((r) => r.trunc).map((r) => r.relname)).toEqual([]);
  });

  it("every write policy has a WITH CHECK and every SECURITY DEFINER function a pinned search_path", async () => {
    const loose = await ownerSql()`
      select tablename, policyname from pg_policies
      where schemaname = 'public' and cmd in ('INSERT', 'UPDATE', 'ALL') and with_check is null`;
    expect(loose).toEqual([]);
    const unpinned = await ownerSql()`
      select proname from pg_proc where pronamespace = 'public'::regnamespace and prosecdef
        and not exists (select 1 from unnest(coalesce(proconfig, '{}')) c where c like 'search_path=%')`;
    expect(unpinned).toEqual([]);
  });
});
