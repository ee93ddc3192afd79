import { drizzle } from "drizzle-orm/postgres-js";
import type postgres from "postgres";
import { encodeCursor } from "@/server/db/pagination";
import { pageQuery } from "@/server/patients/queries";
import { TWIN_PAGE, twinPageParams } from "./twin";

export interface Subject {
  orgId: string;
  clinicianId: string;
  adminId: string;
  panel: number;
  orgPatients: number;
}

const ORDER = "order by family_name, given_name, id limit 20";

/** The bench's own clinician with a wide panel (widePanel), left out of the median. */
const WIDE = "00000000-0000-4000-8000-00000000be0c";

/** The largest practice, its clinician with the median panel, and its admin. */
export async function pickSubject(owner: postgres.Sql): Promise<Subject> {
  const [org] = await owner`select org_id, count(*)::int as n from patients group by org_id order by n desc limit 1`;
  const panels = await owner`select clinician_id, count(*)::int as n from care_team
    where org_id = ${org.org_id} and clinician_id <> ${WIDE} group by 1 order by n, 1`;
  const median = panels[Math.floor(panels.length / 2)];
  const [admin] = await owner`select user_id from memberships where org_id = ${org.org_id} and role = 'admin' limit 1`;
  return {
    orgId: org.org_id,
    clinicianId: median.clinician_id,
    adminId: admin.user_id,
    panel: median.n,
    orgPatients: org.n,
  };
}

/**
 * The subject's practice with one more clinician whose panel is `size` patients (the growth
 * series' wide panel), created once in the dataset by the owner and kept.
 */
export async function widePanel(owner: postgres.Sql, s: Subject, size: number): Promise<Subject> {
  await owner`insert into users (id, email, name) values (${WIDE}, 'wide-panel@bench.invalid', 'Bench wide panel')
    on conflict do nothing`;
  await owner`insert into memberships (user_id, org_id, role) values (${WIDE}, ${s.orgId}, 'clinician') on conflict do nothing`;
  const [{ n }] =
    await owner`select count(*)::int as n from care_team where clinician_id = ${WIDE} and org_id = ${s.orgId}`;
  if (n < size) {
    await owner`insert into care_team (org_id, clinician_id, patient_id, assigned_by)
      select org_id, ${WIDE}, id, ${s.adminId} from patients where org_id = ${s.orgId} and archived_at is null
      order by id limit ${size} on conflict do nothing`;
    await owner`vacuum (analyze) care_team`;
  }
  return { ...s, clinicianId: WIDE, panel: size };
}

export interface QueryPair {
  name: string;
  /** Runs as the runtime role after set_config: no WHERE but the feature's own (search, keyset). */
  rls: (tx: postgres.TransactionSql) => Promise<unknown>;
  /** Runs as the owner (BYPASSRLS) with the tenant and care-team filter written by hand. */
  handWritten: (sql: postgres.Sql) => Promise<unknown>;
  asAdmin?: boolean;
}

const mine = (s: Subject) =>
  `p.org_id = '${s.orgId}' and p.archived_at is null and p.id in (
     select patient_id from care_team where clinician_id = '${s.clinicianId}' and org_id = '${s.orgId}'
     union select patient_id from access_grants where clinician_id = '${s.clinicianId}' and org_id = '${s.orgId}' and expires_at > now())`;

/** The app's own query 1 of `patients.list` (server/patients/queries.ts), as text and parameters. */
function appPageQuery(owner: postgres.Sql, cursor: string | null) {
  const { sql, params } = pageQuery(drizzle({ client: owner }), {
    limit: 20,
    cursor,
    sort: "name",
    includeArchived: false,
  }).toSQL();
  return (tx: postgres.TransactionSql) => tx.unsafe(sql, params as never[]);
}

export async function queryPairs(owner: postgres.Sql, s: Subject): Promise<QueryPair[]> {
  // A keyset cursor 80% of the way through the clinician's panel: the "deep page".
  const deep = await owner.unsafe(
    `select family_name, given_name, id from patients p where ${mine(s)} ${ORDER.replace("limit 20", "")} offset ${Math.floor(s.panel * 0.8)} limit 1`,
  );
  const c = deep[0] as unknown as { family_name: string; given_name: string; id: string };
  const search = `(family_name ilike '%0042%' or given_name ilike '%0042%' or mrn ilike '%0042%')`;
  return [
    // Query 1 of patients.list as the app sends it (the page as an index range, and its total)
    // against the unguarded twin's (bench/twin.ts): the same rows, the same total.
    {
      name: "clinician list, first page and total (query 1)",
      rls: appPageQuery(owner, null),
      handWritten: (sql) => sql.unsafe(TWIN_PAGE, twinPageParams(s.clinicianId, s.orgId, 21) as never[]),
    },
    {
      name: "clinician list, deep page (keyset at 80%)",
      rls: appPageQuery(owner, encodeCursor({ f: c.family_name, g: c.given_name, id: c.id })),
      handWritten: (sql) =>
        sql.unsafe(
          TWIN_PAGE,
          twinPageParams(s.clinicianId, s.orgId, 21, { f: c.family_name, g: c.given_name, id: c.id }) as never[],
        ),
    },
    {
      name: "clinician list, first page, whole panel sorted (the query before the index range)",
      rls: (tx) => tx.unsafe(`select *, count(*) over () from patients where archived_at is null ${ORDER}`),
      handWritten: (sql) => sql.unsafe(`select p.*, count(*) over () from patients p where ${mine(s)} ${ORDER}`),
    },
    {
      name: "clinician search by name",
      rls: (tx) => tx.unsafe(`select * from patients where archived_at is null and ${search} ${ORDER}`),
      handWritten: (sql) => sql.unsafe(`select p.* from patients p where ${mine(s)} and ${search} ${ORDER}`),
    },
    {
      name: "admin list, first page",
      asAdmin: true,
      rls: (tx) => tx.unsafe(`select * from patients where archived_at is null ${ORDER}`),
      handWritten: (sql) =>
        sql.unsafe(`select p.* from patients p where p.org_id = '${s.orgId}' and p.archived_at is null ${ORDER}`),
    },
  ];
}
