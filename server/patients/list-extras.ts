import { sql } from "drizzle-orm";
import type { Tx } from "@/server/db/client";

export type AccessBadge =
  { via: "break_glass"; until: Date } | { via: "coverage"; coveredName: string | null; until: Date };

export interface ListExtras {
  lastVisit: Map<string, Date>;
  nextVisit: Map<string, Date>;
  badges: Map<string, AccessBadge>;
}

/**
 * For one page of a patient list, in one statement: each patient's last and next visit, and why the
 * caller sees a patient that is not on their own care team (an emergency grant until…, cover for
 * Dr … until…), from the database's own basis (app_access_bases, the function the audit trigger
 * uses), asked only of a caller who holds a grant or a cover. Every read goes through the caller's
 * policies. The rare badge details are one more statement each, only when a page has such a patient.
 */
export async function listExtras(tx: Tx, ids: string[]): Promise<ListExtras> {
  const lastVisit = new Map<string, Date>();
  const nextVisit = new Map<string, Date>();
  const badges = new Map<string, AccessBadge>();
  if (ids.length === 0) return { lastVisit, nextVisit, badges };
  const list = sql`array[${sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  )}]`;
  const [row] = await tx.execute<{
    visits: Record<string, [string | null, string | null]>;
    b: Record<string, string> | null;
  }>(sql`
    select coalesce((select json_object_agg(v.patient_id, json_build_array(v.last, v.next)) from (
             select a.patient_id,
                    max(a.starts_at) filter (where a.starts_at < now() and a.status <> 'cancelled') as last,
                    min(a.starts_at) filter (where a.starts_at > now() and a.status = 'scheduled') as next
               from appointments a where a.patient_id = any(${list}) group by a.patient_id) v), '{}') as visits,
           -- Badges only for a caller with a live grant or cover (their own rows): most have neither,
           -- and the bases are then not worked out at all.
           case when exists (select 1 from access_grants g where g.clinician_id = app_user_id() and app_grant_running(g))
                  or exists (select 1 from coverage c where c.covering_id = app_user_id() and app_cover_active(c))
                then app_access_bases(${list}) end as b`);
  for (const [id, [last, next]] of Object.entries(row?.visits ?? {})) {
    if (last) lastVisit.set(id, new Date(last));
    if (next) nextVisit.set(id, new Date(next));
  }
  const byBasis = (basis: string) =>
    Object.entries(row?.b ?? {})
      .filter(([, v]) => v === basis)
      .map(([k]) => k);
  const grants = byBasis("break_glass");
  if (grants.length) {
    const rows = await tx.execute<{ patient_id: string; until: string }>(sql`
      select g.patient_id, max(g.expires_at) as until from access_grants g
       where g.clinician_id = app_user_id() and app_grant_running(g)
         and g.patient_id = any(array[${sql.join(
           grants.map((id) => sql`${id}::uuid`),
           sql`, `,
         )}])
       group by g.patient_id`);
    for (const r of rows) badges.set(r.patient_id, { via: "break_glass", until: new Date(r.until) });
  }
  const covered = byBasis("coverage");
  if (covered.length) {
    const rows = await tx.execute<{ patient_id: string; name: string | null; until: string }>(sql`
      select distinct on (ct.patient_id) ct.patient_id, u.name, app_cover_until(c) as until
        from coverage c
        join care_team ct on ct.org_id = c.org_id and ct.clinician_id = c.covered_id
        left join users u on u.id = c.covered_id
       where c.covering_id = app_user_id() and app_cover_active(c)
         and ct.patient_id = any(array[${sql.join(
           covered.map((id) => sql`${id}::uuid`),
           sql`, `,
         )}])
       order by ct.patient_id, app_cover_until(c) desc`);
    for (const r of rows) badges.set(r.patient_id, { via: "coverage", coveredName: r.name, until: new Date(r.until) });
  }
  return { lastVisit, nextVisit, badges };
}
