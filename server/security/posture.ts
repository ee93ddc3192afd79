import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";

export interface TablePosture {
  table: string;
  rlsEnabled: boolean;
  rlsForced: boolean;
  policies: { name: string; command: string; permissive: string; roles: string[]; using: string | null; withCheck: string | null }[];
  problems: string[];
}

export interface Posture {
  tables: TablePosture[];
  runtimeRole: { name: string; superuser: boolean; bypassRls: boolean; ownsTables: number; problems: string[] };
  ok: boolean;
}

type AnyDb = Pick<PgDatabase<PgQueryResultHKT>, "execute">;

/**
 * Reads the RLS posture of the app schema live from the catalog. `runtimeRole` is the login
 * the app connects as. Flags: a table without RLS enabled and forced, a write policy with no
 * WITH CHECK, a runtime role that is superuser, bypasses RLS or owns tables.
 */
export async function readPosture(db: AnyDb, runtimeRole: string): Promise<Posture> {
  const tables = (await db.execute(sql`
    select c.relname as "table", c.relrowsecurity as "enabled", c.relforcerowsecurity as "forced"
    from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') order by 1`)) as unknown as { table: string; enabled: boolean; forced: boolean }[];
  const policies = (await db.execute(sql`
    select tablename as "table", policyname as "name", cmd as "command", permissive, roles::text[] as "roles", qual as "using", with_check as "withCheck"
    from pg_policies where schemaname = 'public' order by tablename, policyname`)) as unknown as (TablePosture["policies"][number] & { table: string })[];
  const [role] = (await db.execute(sql`
    select r.rolname as "name", r.rolsuper as "superuser", r.rolbypassrls as "bypassRls",
           (select count(*)::int from pg_class c where c.relowner = r.oid and c.relnamespace = 'public'::regnamespace) as "ownsTables"
    from pg_roles r where r.rolname = ${runtimeRole}`)) as unknown as Omit<Posture["runtimeRole"], "problems">[];

  const out: TablePosture[] = tables.map((t) => {
    const mine = policies.filter((p) => p.table === t.table).map(({ table: _table, ...p }) => p);
    const problems: string[] = [];
    if (!t.enabled) problems.push("RLS is not enabled");
    if (!t.forced) problems.push("RLS is not forced (the owner would bypass it)");
    if (mine.length === 0) problems.push("no policies (every non-owner is denied, which may be unintended)");
    for (const p of mine) {
      if (["INSERT", "UPDATE", "ALL"].includes(p.command) && !p.withCheck) problems.push(`policy ${p.name} (${p.command}) has no WITH CHECK`);
    }
    return { table: t.table, rlsEnabled: t.enabled, rlsForced: t.forced, policies: mine, problems };
  });
  const roleProblems: string[] = [];
  if (!role) roleProblems.push(`runtime role ${runtimeRole} does not exist`);
  else {
    if (role.superuser) roleProblems.push("is a superuser");
    if (role.bypassRls) roleProblems.push("has BYPASSRLS");
    if (role.ownsTables > 0) roleProblems.push(`owns ${role.ownsTables} table(s)`);
  }
  const runtimeRole_ = { name: runtimeRole, superuser: role?.superuser ?? false, bypassRls: role?.bypassRls ?? false, ownsTables: role?.ownsTables ?? 0, problems: roleProblems };
  return { tables: out, runtimeRole: runtimeRole_, ok: roleProblems.length === 0 && out.every((t) => t.problems.length === 0) };
}
