import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "@/server/db/client";
import { withRlsContext } from "@/server/db/context";
import { pageQuery } from "@/server/patients/queries";
import { newSession, ownerSql, runtimeUrl } from "@/tests/helpers/db";

// EXPLAIN of the clinician patient list on 100k patients: index scans on the policy columns,
// never a sequential scan of patients. The data is a separate practice, removed afterwards.
const ORG = "00000000-0000-4000-8000-0000000a0001";
const CLINICIAN = "00000000-0000-4000-8000-0000000b0001";
const COLLEAGUE = "00000000-0000-4000-8000-0000000b0002";

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  Plans?: PlanNode[];
}
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

describe("query plans at 100k patients", () => {
  beforeAll(async () => {
    const sql = ownerSql();
    await sql`insert into organizations (id, name, slug) values (${ORG}, 'Explain Test Practice', 'explain-test')`;
    await sql`insert into users (id, email, name, password_hash) values (${CLINICIAN}, 'explain@example.test', 'Dr. Explain', 'x')`;
    await sql`insert into users (id, email, name, password_hash) values (${COLLEAGUE}, 'explain-colleague@example.test', 'Dr. Colleague', 'x')`;
    await sql`insert into memberships (user_id, org_id, role) values (${CLINICIAN}, ${ORG}, 'clinician'), (${COLLEAGUE}, ${ORG}, 'clinician')`;
    await sql`alter table patients disable trigger patients_creator_on_care_team`;
    await sql`insert into patients (org_id, mrn, given_name, family_name, birth_date, created_by)
      select ${ORG}, 'EXP-' || g, 'Given' || (g % 97), 'Family' || lpad((g * 7919 % 100003)::text, 6, '0'), date '1950-01-01' + (g % 20000), ${CLINICIAN}
      from generate_series(1, 100000) g`;
    await sql`alter table patients enable trigger patients_creator_on_care_team`;
    await sql`insert into care_team (org_id, clinician_id, patient_id, assigned_by)
      select ${ORG}, ${CLINICIAN}, id, ${CLINICIAN} from patients where org_id = ${ORG} and mrn ~ '0$' limit 1000`;
    // A colleague's panel holds the rest of the practice, so the clinician's rows are 1 % of care_team
    // (as in a real practice) and the planner's choice of index is not a near tie with a scan.
    await sql`insert into care_team (org_id, clinician_id, patient_id, assigned_by)
      select ${ORG}, ${COLLEAGUE}, id, ${COLLEAGUE} from patients where org_id = ${ORG} and mrn !~ '0$'`;
    await sql`analyze patients`;
    await sql`analyze care_team`;
  });

  afterAll(async () => {
    const sql = ownerSql();
    await sql`delete from audit_events where org_id = ${ORG}`;
    await sql`delete from care_team where org_id = ${ORG}`;
    await sql`delete from patients where org_id = ${ORG}`;
    await sql`delete from memberships where org_id = ${ORG}`;
    await sql`delete from sessions where user_id = ${CLINICIAN}`;
    await sql`delete from users where id in (${CLINICIAN}, ${COLLEAGUE})`;
    await sql`delete from organizations where id = ${ORG}`;
  });

  it("the clinician list uses the policy columns' indexes and never scans patients sequentially", async () => {
    const db = createDb(runtimeUrl(), { max: 1 });
    try {
      const [plan, rows] = await withRlsContext(
        db,
        { kind: "session", ...(await newSession(CLINICIAN, ORG)) },
        async (tx) => {
          const q = "select * from patients where archived_at is null order by family_name, given_name, id limit 20";
          const explained = (await tx.execute(`explain (format json) ${q}` as never)) as unknown as {
            "QUERY PLAN": { Plan: PlanNode }[];
          }[];
          return [explained[0]["QUERY PLAN"][0].Plan, await tx.execute(q as never)] as const;
        },
      );
      const all = nodes(plan);
      expect(rows).toHaveLength(20);
      expect(all.filter((n) => n["Node Type"] === "Seq Scan").map((n) => n["Relation Name"])).toEqual([]);
      const patientScan = all.find((n) => n["Relation Name"] === "patients")!;
      expect(patientScan["Node Type"]).toMatch(/Index/);
      // Driven by the clinician's panel: (org_id, id) with `id = ANY(<care-team ids>)`, not a walk
      // through the practice (the live patients' partial index, as the query asks for those).
      expect(patientScan["Index Name"]).toMatch(/^patients_org_(id_key|live_idx)$/);
      expect(patientScan["Index Cond"]).toMatch(/org_id = .*id = ANY/);
    } finally {
      await db.$client.end();
    }
  });

  it("the list's first page by name fetches its page of patients, not the panel, with the panel's total", async () => {
    const db = createDb(runtimeUrl(), { max: 1 });
    try {
      const [plan, rows] = await withRlsContext(
        db,
        { kind: "session", ...(await newSession(CLINICIAN, ORG)) },
        async (tx) => {
          const query = pageQuery(tx, { limit: 20, sort: "name", includeArchived: false });
          const plan = (await tx.execute(sql`explain (analyze, format json) ${query.getSQL()}`)) as unknown as {
            "QUERY PLAN": { Plan: PlanNode }[];
          }[];
          return [plan[0]["QUERY PLAN"][0].Plan, await query] as const;
        },
      );
      expect(rows).toHaveLength(21);
      expect(rows[0].total).toBe(1000);
      const patientScans = nodes(plan).filter((n) => n["Relation Name"] === "patients");
      expect(patientScans).toHaveLength(1);
      expect(patientScans[0]["Index Cond"]).toMatch(/app_list_page_ids/);
      expect(patientScans[0]["Actual Rows"]).toBe(21);
    } finally {
      await db.$client.end();
    }
  });

  it("the care-team lookup behind the policy uses the (clinician_id, org_id) index", async () => {
    const sql = ownerSql();
    const [row] = await sql.begin(async (tx) => {
      await tx`select set_config('app.user_id', ${CLINICIAN}, true), set_config('app.org_id', ${ORG}, true)`;
      return tx.unsafe(`explain (format json) select ct.patient_id from care_team ct
        where ct.clinician_id = (select app_user_id()) and ct.org_id = (select app_org_id())`);
    });
    const plan = nodes((row["QUERY PLAN"] as { Plan: PlanNode }[])[0].Plan);
    expect(plan.filter((n) => n["Node Type"] === "Seq Scan")).toEqual([]);
    expect(plan.map((n) => n["Index Name"])).toContain("care_team_clinician_id_org_id_patient_id_pk");
  });

  it("the visible set reads the live panel from one partial index and never the practice's archive", async () => {
    const sql = ownerSql();
    // 5,000 archived patients in the practice, none of them on the clinician's panel.
    await sql`alter table patients disable trigger user`;
    try {
      await sql`update patients set archived_at = now() where org_id = ${ORG} and mrn ~ '[1-5]$'`;
    } finally {
      await sql`alter table patients enable trigger user`;
    }
    await sql`analyze patients`;
    const session = await newSession(CLINICIAN, ORG);
    const [{ def }] = await sql`select pg_get_functiondef('app_visible_patient_ids'::regproc) as def`;
    const body = /AS \$function\$([\s\S]*)\$function\$/.exec(def as string)![1];
    const [row] = await sql.begin(async (tx) => {
      await tx`select live from app_context_enter(${session.sessionId}::uuid, ${session.secret})`;
      return tx.unsafe(`explain (analyze, format json) ${body}`);
    });
    const plan = nodes((row["QUERY PLAN"] as { Plan: PlanNode }[])[0].Plan);
    expect(plan.map((n) => n["Index Name"])).toContain("care_team_live_idx");
    const archive = plan.filter((n) => n["Index Name"] === "patients_archived_idx");
    const read = archive.reduce((sum, n) => sum + (n["Actual Rows"] ?? 0) * (n["Actual Loops"] ?? 1), 0);
    expect(read).toBe(0);
    const [{ n }] = await sql.begin(async (tx) => {
      await tx`select live from app_context_enter(${session.sessionId}::uuid, ${session.secret})`;
      return tx`select count(*)::int as n from app_visible_patient_ids()`;
    });
    expect(n).toBe(1000);
  });
});
