import type postgres from "postgres";
import type { Catalog } from "./operators";

/** Functions whose bodies state who may see what: mutated inside, not only in their flags. */
export const RULE_FUNCTIONS = [
  "app_visible_patient_ids",
  "app_merged_visible_patients",
  "app_patient_redirect",
  "app_grant_running",
  "app_cover_active",
  "app_cover_until",
  "app_org_id",
  "app_user_id",
  "app_is_admin",
  "app_my_org_ids",
  "app_session_admits",
  "app_context_valid",
];

/** The boundary as the migrated database holds it (pg_policies, pg_class, pg_proc, pg_trigger). */
export async function readCatalog(sql: postgres.Sql): Promise<Catalog> {
  const policies = await sql<
    {
      table: string;
      name: string;
      permissive: string;
      roles: string[];
      cmd: string;
      using: string | null;
      check: string | null;
    }[]
  >`select tablename as table, policyname as name, permissive, roles, cmd, qual as using, with_check as check
      from pg_policies where schemaname = 'public' order by tablename, policyname`;
  const tables = await sql<{ name: string }[]>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind = 'r' and c.relrowsecurity and c.relforcerowsecurity order by 1`;
  const definers = await sql<{ signature: string }[]>`
    select p.oid::regprocedure::text as signature from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'public' and p.prosecdef order by 1`;
  const rules = await sql<{ signature: string; definition: string; securityDefiner: boolean }[]>`
    select p.oid::regprocedure::text as signature, pg_get_functiondef(p.oid) as definition, p.prosecdef as "securityDefiner"
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'public' and p.proname = any(${RULE_FUNCTIONS}) order by 1`;
  const triggers = await sql<{ table: string; name: string }[]>`
    select c.relname as table, t.tgname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid
      join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and not t.tgisinternal order by 1, 2`;
  return {
    policies: policies.map((p) => ({ ...p, permissive: p.permissive === "PERMISSIVE" })),
    rlsTables: tables.map((t) => t.name),
    definers: definers.map((d) => d.signature.replace(/^public\./, "")),
    rules: rules.map((r) => ({ ...r, signature: r.signature.replace(/^public\./, "") })),
    triggers,
  };
}
