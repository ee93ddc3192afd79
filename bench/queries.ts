import type postgres from "postgres";

export interface Subject {
  orgId: string;
  clinicianId: string;
  adminId: string;
  panel: number;
  orgPatients: number;
}

const ORDER = "order by family_name, given_name, id limit 20";

/** The largest practice, its clinician with the median panel, and its admin. */
export async function pickSubject(owner: postgres.Sql): Promise<Subject> {
  const [org] = await owner`select org_id, count(*)::int as n from patients group by org_id order by n desc limit 1`;
  const panels =
    await owner`select clinician_id, count(*)::int as n from care_team where org_id = ${org.org_id} group by 1 order by n, 1`;
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

export async function queryPairs(owner: postgres.Sql, s: Subject): Promise<QueryPair[]> {
  // A keyset cursor 80% of the way through the clinician's panel: the "deep page".
  const deep = await owner.unsafe(
    `select family_name, given_name, id from patients p where ${mine(s)} ${ORDER.replace("limit 20", "")} offset ${Math.floor(s.panel * 0.8)} limit 1`,
  );
  const c = deep[0] as unknown as { family_name: string; given_name: string; id: string };
  const after = `(family_name, given_name, id) > ('${c.family_name}', '${c.given_name}', '${c.id}')`;
  const search = `(family_name ilike '%0042%' or given_name ilike '%0042%' or mrn ilike '%0042%')`;
  return [
    {
      name: "clinician list, first page",
      rls: (tx) => tx.unsafe(`select * from patients where archived_at is null ${ORDER}`),
      handWritten: (sql) => sql.unsafe(`select p.* from patients p where ${mine(s)} ${ORDER}`),
    },
    {
      name: "clinician list, deep page (keyset at 80%)",
      rls: (tx) => tx.unsafe(`select * from patients where archived_at is null and ${after} ${ORDER}`),
      handWritten: (sql) => sql.unsafe(`select p.* from patients p where ${mine(s)} and ${after} ${ORDER}`),
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
