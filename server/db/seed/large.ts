import { hashPassword } from "@/server/auth/password";
import { DEMO_PASSWORD } from "./demo-data";
import { ownerConnection } from "@/server/db/owner";

export interface LargeSeedOptions {
  patients: number;
  orgs: number;
  clinicians: number;
  log?: (line: string) => void;
}

/**
 * A practice network with realistic skew, generated inside PostgreSQL (INSERT … SELECT over
 * generate_series) as the owner: Zipf-like practice sizes (a few large, many small), clinicians
 * in proportion, care teams of 1–4 clinicians of the patient's practice (panels from tens to a
 * few thousand), one appointment per patient, a note for every other, one patient in 33 archived.
 * Every name is invented.
 */
export async function seedLarge(ownerUrl: string, opts: LargeSeedOptions): Promise<void> {
  const log = opts.log ?? console.log;
  const sql = ownerConnection(ownerUrl);
  const step = async (label: string, run: () => Promise<unknown>) => {
    const t0 = performance.now();
    await run();
    log(`  ${label} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  };
  try {
    const [{ n }] = await sql`select count(*)::int as n from organizations`;
    if (n > 0) throw new Error("the large dataset goes into an empty database");
    const weights = Array.from({ length: opts.orgs }, (_, i) => 1 / Math.pow(i + 1, 1.1));
    const total = weights.reduce((a, b) => a + b, 0);
    const sizes = weights.map((w) => Math.max(1, Math.round((opts.patients * w) / total)));
    sizes[0] += opts.patients - sizes.reduce((a, b) => a + b, 0);
    const clinicians = weights.map((w) => Math.max(1, Math.round((opts.clinicians * w) / total)));
    const hash = await hashPassword(DEMO_PASSWORD);

    await sql.begin(async (tx) => {
      await tx`set local synchronous_commit = off`;
      // Repeatable ids shaped as version-4 UUIDs, so the API's z.uuid() inputs accept them.
      await tx`create function pg_temp.bench_id(t text) returns uuid language sql immutable
        as $$ select overlay(overlay(md5(t) placing '4' from 13) placing '8' from 17)::uuid $$`;
      await tx`create temp table plan (org_no int, patients int, clinicians int, first_patient bigint, first_clinician int) on commit drop`;
      let p = 0;
      let c = 0;
      const rows = sizes.map((s, i) => {
        const row = { org_no: i + 1, patients: s, clinicians: clinicians[i], first_patient: p, first_clinician: c };
        p += s;
        c += clinicians[i];
        return row;
      });
      await tx`insert into plan select * from jsonb_to_recordset(${tx.json(rows)})
        as x(org_no int, patients int, clinicians int, first_patient bigint, first_clinician int)`;
      await step(`${opts.orgs} practices, ${c} clinicians, ${opts.orgs} admins`, async () => {
        await tx`insert into organizations (id, name, slug)
          select pg_temp.bench_id('org' || org_no), 'Bench Practice ' || org_no, 'bench-' || org_no from plan`;
        await tx`insert into users (id, email, name, password_hash)
          select pg_temp.bench_id('admin' || org_no), 'admin' || org_no || '@bench.test', 'Bench Admin ' || org_no, ${hash} from plan
          union all
          select pg_temp.bench_id('clin' || (first_clinician + k)), 'clinician' || (first_clinician + k) || '@bench.test',
                 'Dr. Bench ' || (first_clinician + k), ${hash}
          from plan, generate_series(0, clinicians - 1) k`;
        await tx`insert into memberships (user_id, org_id, role)
          select pg_temp.bench_id('admin' || org_no), pg_temp.bench_id('org' || org_no), 'admin'::member_role from plan
          union all
          select pg_temp.bench_id('clin' || (first_clinician + k)), pg_temp.bench_id('org' || org_no), 'clinician'
          from plan, generate_series(0, clinicians - 1) k`;
      });
      await tx`alter table patients disable trigger patients_creator_on_care_team`;
      await step(
        `${opts.patients.toLocaleString("en")} patients`,
        () => tx`
        insert into patients (id, org_id, mrn, given_name, family_name, birth_date, sex, phone, email, created_by, archived_at)
        select pg_temp.bench_id('pat' || (first_patient + k)), pg_temp.bench_id('org' || org_no), 'BENCH-' || (first_patient + k),
               (array['Ada','Basil','Cleo','Dorian','Edie','Felix','Greta','Hugo','Iris','Jasper','Kit','Luna','Milo','Nell','Otto','Pia'])[1 + (k * 7) % 16],
               'Benchname' || lpad(((first_patient + k) * 7919 % 100003)::text, 6, '0'),
               date '1930-01-01' + ((first_patient + k) * 37 % 30000)::int,
               (array['female','male','other','unknown'])[1 + k % 4]::sex,
               '555-01' || lpad((k % 100)::text, 2, '0'), null, pg_temp.bench_id('admin' || org_no),
               -- One in 33 archived (moved away, deceased): a practice's archive grows with its age.
               case when (first_patient + k) % 33 = 0 then now() - interval '1 year' end
        from plan, generate_series(0, patients - 1) k`,
      );
      await tx`alter table patients enable trigger patients_creator_on_care_team`;
      await step(
        "care teams (1–4 clinicians per patient)",
        () => tx`
        insert into care_team (org_id, clinician_id, patient_id, assigned_by)
        select distinct pg_temp.bench_id('org' || org_no),
               pg_temp.bench_id('clin' || (first_clinician + ((k * 31 + j * 17 + (k / 7) * 13) % clinicians))),
               pg_temp.bench_id('pat' || (first_patient + k)), pg_temp.bench_id('admin' || org_no)
        from plan, generate_series(0, patients - 1) k, generate_series(0, (k % 4)) j
        where j = 0 or (k * 13 + j) % 3 <> 0`,
      );
      await step("appointments and notes", async () => {
        await tx`
          insert into appointments (org_id, patient_id, clinician_id, starts_at, ends_at, status, reason)
          select org_id, patient_id, clinician_id, t, t + interval '30 minutes',
                 (case when t < now() then 'completed' else 'scheduled' end)::appointment_status, 'Bench visit'
          from (
            -- Consecutive half-hour slots from 08:00 for each clinician's visits of a day: a clinician's
            -- scheduled visits may not overlap (appointments_no_overlap).
            select ct.org_id, ct.patient_id, ct.clinician_id,
                   date_trunc('day', now()) + s.day * interval '1 day' + interval '8 hours'
                     + (row_number() over (partition by ct.clinician_id, s.day) - 1) * interval '30 minutes' as t
            from (select distinct on (patient_id) * from care_team order by patient_id, clinician_id) ct,
                 lateral (select (('x' || substr(ct.patient_id::text, 1, 6))::bit(24)::int % 240) - 180 as day) s) v`;
        await tx`
          insert into clinical_notes (org_id, patient_id, author_id, body)
          select a.org_id, a.patient_id, a.clinician_id, 'Bench note: invented text.'
          from appointments a where a.status = 'completed' and (('x' || substr(a.patient_id::text, 1, 2))::bit(8)::int % 2) = 0`;
      });
    });
    // What autovacuum does on a live database: statistics, and the visibility map that lets the
    // care-team lookups run as index-only scans.
    await step("vacuum analyze", () => sql`vacuum analyze`);
  } finally {
    await sql.end();
  }
}
