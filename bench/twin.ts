import { randomUUID } from "node:crypto";
import type postgres from "postgres";

// The unguarded twin of `patients.list`: the same work — the first page by name and its total,
// each patient's last and next visit, the badge of a patient seen through an emergency grant or a
// cover, and one audit row with every patient's access basis, committed durably — written by hand
// on a connection that bypasses RLS (the owner), with no session check. The bench compares the app
// with it to price the guard alone (RLS, the session, tRPC), not the work.

const running = (g: string) => `${g}.revoked_at is null and ${g}.expires_at > now()`;
const active = (c: string) =>
  `${c}.starts_at <= now() and ${c}.ends_at > now() and (${c}.ended_at is null or ${c}.ended_at > now())`;

const NIL = "00000000-0000-0000-0000-000000000000";
const live = (id: string) =>
  `not exists (select 1 from patients a where a.org_id = $2 and a.id = ${id} and a.archived_at is not null)`;
const afterKey = (f: string, g: string, id: string) => `(${f}, ${g}, ${id}) > ($4, $5, $6::uuid)`;
const careTeamRange = (clinician: string) => `
  select ct.sort_family as f, ct.sort_given as g, ct.patient_id as id from care_team ct
   where ct.clinician_id = ${clinician} and ct.org_id = $2
     and ${afterKey("ct.sort_family", "ct.sort_given", "ct.patient_id")} and not ct.patient_archived
   order by ct.sort_family, ct.sort_given, ct.patient_id limit $3`;

/**
 * The page by name after a key ($4-$6; '', '', nil for the first), with the list's columns
 * (server/patients/queries.ts): the visibility sources (the clinician's care team, the care teams
 * of the clinicians they cover, their running grants), each read as a range of care_team_live_list_idx
 * cut at the limit, merged; and on the first page the total, the distinct patients of all sources.
 */
/** The columns `patients.list` reads (server/patients/queries.ts). */
export const LIST_COLUMNS = `p.id, p.org_id, p.mrn, p.given_name, p.family_name, p.preferred_name, p.birth_date, p.sex,
  p.archived_at, p.merged_into, p.version, p.created_at, p.updated_at`;

export const TWIN_PAGE = `
  select ${LIST_COLUMNS}, case when $6::uuid = '${NIL}' then (
           select count(*) from (
             select ct.patient_id from care_team ct where ct.clinician_id = $1 and ct.org_id = $2 and not ct.patient_archived
             union
             select ct.patient_id from coverage c join care_team ct on ct.org_id = c.org_id and ct.clinician_id = c.covered_id
              where c.covering_id = $1 and c.org_id = $2 and ${active("c")} and not ct.patient_archived
             union
             select g.patient_id from access_grants g where g.clinician_id = $1 and g.org_id = $2 and ${running("g")}
                and ${live("g.patient_id")}
           ) v) end::int as total
    from (select distinct on (s.f, s.g, s.id) s.id, s.f, s.g from (
            (${careTeamRange("$1")})
            union all
            select t.* from coverage c cross join lateral (${careTeamRange("c.covered_id")}) t
             where c.covering_id = $1 and c.org_id = $2 and ${active("c")}
            union all
            select p.family_name, p.given_name, p.id from access_grants g
              join patients p on p.org_id = g.org_id and p.id = g.patient_id
             where g.clinician_id = $1 and g.org_id = $2 and ${running("g")} and p.archived_at is null
               and ${afterKey("p.family_name", "p.given_name", "p.id")}
          ) s order by s.f, s.g, s.id limit $3) ids
    join patients p on p.org_id = $2 and p.id = ids.id
   order by ids.f, ids.g, ids.id`;

/** TWIN_PAGE's parameters: the first page, or the page after a patient's (family, given, id). */
export const twinPageParams = (
  clinicianId: string,
  orgId: string,
  limit: number,
  after?: { f: string; g: string; id: string },
) => [clinicianId, orgId, limit, after?.f ?? "", after?.g ?? "", after?.id ?? NIL];

// Visits, bases and badges of the page, and the audit row with the bases, in one statement.
const EXTRAS = `
  with page as (select unnest($3::uuid[]) as id),
  bases as (
    select page.id, case
      when exists (select 1 from care_team ct where ct.clinician_id = $1 and ct.org_id = $2 and ct.patient_id = page.id) then 'care_team'
      when exists (select 1 from coverage c join care_team ct on ct.org_id = c.org_id and ct.clinician_id = c.covered_id
                    where c.covering_id = $1 and c.org_id = $2 and ct.patient_id = page.id and ${active("c")}) then 'coverage'
      else 'break_glass' end as basis
    from page
  ), audited as (
    insert into audit_events (org_id, actor_id, action, entity, request_id, detail)
    select $2, $1, 'patient.list', 'patient', $4,
           jsonb_build_object('patientIds', to_jsonb($3::text[]), 'bases', (select jsonb_object_agg(id::text, basis) from bases))
    returning id
  )
  select b.id, b.basis,
         (select max(a.starts_at) from appointments a where a.org_id = $2 and a.patient_id = b.id and a.starts_at < now() and a.status <> 'cancelled') as last_visit,
         (select min(a.starts_at) from appointments a where a.org_id = $2 and a.patient_id = b.id and a.starts_at > now() and a.status = 'scheduled') as next_visit,
         case b.basis
           when 'break_glass' then (select json_build_object('via', 'break_glass', 'until', max(g.expires_at)) from access_grants g
                                     where g.clinician_id = $1 and g.org_id = $2 and g.patient_id = b.id and ${running("g")})
           when 'coverage' then (select json_build_object('via', 'coverage', 'coveredName', u.name, 'until', least(c.ends_at, c.ended_at))
                                   from coverage c join care_team ct on ct.org_id = c.org_id and ct.clinician_id = c.covered_id
                                   left join users u on u.id = c.covered_id
                                  where c.covering_id = $1 and c.org_id = $2 and ct.patient_id = b.id and ${active("c")}
                                  order by least(c.ends_at, c.ended_at) desc limit 1)
         end as access,
         (select count(*) from audited) as audited
    from bases b`;

export interface TwinPage {
  items: Record<string, unknown>[];
  total: number;
  nextCursor: string | null;
}

/** A clinician's first page of patients by name, as `patients.list` answers it, in one transaction. */
export function twinPatientList(
  sql: postgres.Sql,
  clinicianId: string,
  orgId: string,
  limit: number,
): Promise<TwinPage> {
  return sql.begin(async (tx) => {
    const rows = await tx.unsafe(TWIN_PAGE, twinPageParams(clinicianId, orgId, limit + 1));
    const page = rows.slice(0, limit);
    const total = rows[0] ? Number(rows[0].total) : 0;
    if (page.length === 0) return { items: [], total, nextCursor: null };
    const ids = page.map((r) => r.id as string);
    const extras = new Map((await tx.unsafe(EXTRAS, [clinicianId, orgId, ids, randomUUID()])).map((e) => [e.id, e]));
    const items = page.map(({ total: _, ...p }) => {
      const e = extras.get(p.id);
      return { ...p, lastVisit: e?.last_visit ?? null, nextVisit: e?.next_visit ?? null, access: e?.access ?? null };
    });
    const last = page[page.length - 1];
    const nextCursor =
      rows.length > limit
        ? Buffer.from(JSON.stringify({ f: last.family_name, g: last.given_name, id: last.id })).toString("base64url")
        : null;
    return { items, total, nextCursor };
  });
}
