import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VITAL_RANGES } from "@/lib/schemas/essentials";
import type { Tx } from "@/server/db/client";
import { allergies, conditions, medicationStatements, vitalSigns } from "@/server/db/schema";
import {
  asUser,
  callerFor,
  demoIds,
  ownerSql,
  patientIdByMrn,
  pgError,
  runtimeUrl,
  trpcCode,
} from "@/tests/helpers/db";

// Problems, allergies, medications and vitals, tested as an attacker would: what the database
// refused or hid, for another practice, an off-team clinician, an admin off the care team, an
// archived patient, a row moved to another practice, and a connection with no or a stale context.
// Then the note-like integrity: no UPDATE of content, no DELETE, one act once, entered-in-error
// only by the recorder, and final.

const TABLES = { conditions, allergies, medicationStatements, vitalSigns } as const;
const TABLE_NAMES = ["conditions", "allergies", "medication_statements", "vital_signs"] as const;
const RLS_REFUSED = /new row violates row-level security policy/;

/** A refused statement inside a savepoint, so the surrounding transaction stays usable. */
const refused = (tx: Tx, fn: (sp: Tx) => Promise<unknown>) => pgError(tx.transaction(fn));

const created = new Set<string>();
let greyOnly: string; // DEMO-N-0014: on Grey's care team only
let shared: string; // DEMO-N-0015: Grey and Shepherd
let unassigned: string; // DEMO-N-0025: on no care team
let lakeside: string; // DEMO-L-0001: House, at the other practice

/** One row in each table for `patientId`, recorded by `user` through the API (committed). */
async function recordAll(user: "grey" | "shepherd", patientId: string) {
  const api = await callerFor(user, "northside");
  const problem = await api.essentials.recordProblem({ patientId, text: "Vitest problem", onsetOn: "2020-01-01" });
  const allergy = await api.essentials.recordAllergy({ patientId, substance: "Vitest substance", severity: "mild" });
  const medication = await api.essentials.recordMedication({
    patientId,
    name: "Vitestamol",
    dose: "5 mg",
    frequency: "once daily",
    route: "oral",
    startedOn: "2024-01-01",
  });
  const [vital] = await api.essentials.recordVitals({ patientId, heartRate: 71 });
  for (const r of [problem, allergy, medication, vital]) created.add(r.id);
  return { problem: problem.id, allergy: allergy.id, medication: medication.id, vital: vital.id };
}

beforeAll(async () => {
  greyOnly = await patientIdByMrn("DEMO-N-0014");
  shared = await patientIdByMrn("DEMO-N-0015");
  unassigned = await patientIdByMrn("DEMO-N-0025");
  lakeside = await patientIdByMrn("DEMO-L-0001");
});

afterAll(async () => {
  const ids = [...created];
  for (const t of TABLE_NAMES) await ownerSql()`delete from ${ownerSql()(t)} where id = any(${ids})`;
});

describe("visibility of the essentials", () => {
  let rows: Awaited<ReturnType<typeof recordAll>>;
  beforeAll(async () => {
    rows = await recordAll("grey", greyOnly);
  });

  it("the care team reads them through the API, and the read is audited with counts only", async () => {
    const grey = await callerFor("grey", "northside");
    const chart = await grey.essentials.forChart({ patientId: greyOnly });
    expect(chart.problems.map((p) => p.id)).toContain(rows.problem);
    expect(chart.allergies.map((a) => a.id)).toContain(rows.allergy);
    expect(chart.medications.map((m) => m.id)).toContain(rows.medication);
    expect(chart.vitals.map((v) => v.id)).toContain(rows.vital);
    expect(chart.problems.find((p) => p.id === rows.problem)?.recordedByName).toMatch(/Grey/);
    const { users } = await demoIds();
    const [audit] = await ownerSql()`
      select detail, basis from audit_events where actor_id = ${users.grey} and action = 'essentials.view'
        and patient_id = ${greyOnly} order by id desc limit 1`;
    expect(audit.basis).toBe("care_team");
    expect(Object.keys(audit.detail).sort()).toEqual(["allergies", "medications", "problems", "vitals"]);
    expect(audit.detail.problems).toBe(chart.problems.length);
  });

  it("an off-team clinician, another practice's clinician and its admin get NOT_FOUND, and SQL shows nothing", async () => {
    for (const [user, org] of [
      ["shepherd", "northside"],
      ["house", "lakeside"],
      ["lakeAdmin", "lakeside"],
    ] as const) {
      const api = await callerFor(user, org);
      expect(await trpcCode(api.essentials.forChart({ patientId: greyOnly })), `${user}`).toBe("NOT_FOUND");
      expect(
        await trpcCode(api.essentials.recordProblem({ patientId: greyOnly, text: "Written from outside" })),
        `${user}`,
      ).toBe("NOT_FOUND");
      const seen = await asUser(user, org, async (tx) => {
        const out: number[] = [];
        for (const table of Object.values(TABLES)) {
          out.push((await tx.select({ id: table.id }).from(table).where(eq(table.patientId, greyOnly))).length);
        }
        return out;
      });
      expect(seen, `${user}`).toEqual([0, 0, 0, 0]);
    }
  });

  it("the practice admin off the care team opens the chart but reads no clinical content (minimum necessary)", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const chart = await admin.essentials.forChart({ patientId: greyOnly });
    expect(chart).toEqual({ problems: [], allergies: [], medications: [], vitals: [] });
    const [{ n }] = await ownerSql()`select count(*)::int as n from conditions where patient_id = ${greyOnly}`;
    expect(n).toBeGreaterThan(0);
    await asUser("northAdmin", "northside", async (tx) => {
      for (const table of Object.values(TABLES)) expect(await tx.select().from(table)).toEqual([]);
    });
  });

  it("a blanket UPDATE (no WHERE) by the admin off the care team touches no row: the update policy hides them too", async () => {
    await recordAll("grey", greyOnly);
    // Without a WHERE the SELECT policy plays no part: only the UPDATE policy's own USING keeps the
    // practice's rows out of reach (were it to let them in, the WITH CHECK would refuse the statement).
    const touched = await asUser("northAdmin", "northside", async (tx) => {
      const out: number[] = [];
      for (const t of TABLE_NAMES)
        out.push(
          (await tx.execute(sql`update ${sql.identifier(t)} set error_reason = 'blanket edit by the admin'`)).count,
        );
      return out;
    });
    expect(touched).toEqual([0, 0, 0, 0]);
  });

  it("nobody writes for a patient they cannot see clinically: the insert policy refuses, also as the admin", async () => {
    const { users, orgs } = await demoIds();
    for (const [user, patientId] of [
      ["northAdmin", greyOnly],
      ["shepherd", greyOnly],
      ["grey", unassigned],
    ] as const) {
      await asUser(user, "northside", async (tx) => {
        const err = await refused(tx, (sp) =>
          sp
            .insert(conditions)
            .values({ orgId: orgs.northside, patientId, recordedBy: users[user], text: "Sneaked in" }),
        );
        expect(err.message, user).toMatch(RLS_REFUSED);
      });
    }
    // Every kind of entry, for a patient off the caller's team or in another's name: one policy each.
    const valid = {
      allergies: { kind: "allergy", substance: "Vitest substance" },
      medicationStatements: { name: "Vitestamol", dose: "5 mg", frequency: "once daily", route: "oral" },
      vitalSigns: { kind: "heart_rate", value: 60, effectiveAt: new Date() },
    } as const;
    for (const [name, extra] of Object.entries(valid) as [keyof typeof valid, (typeof valid)[keyof typeof valid]][]) {
      for (const [patientId, recordedBy] of [
        [unassigned, users.grey],
        [greyOnly, users.shepherd],
      ]) {
        await asUser("grey", "northside", async (tx) => {
          const err = await refused(tx, (sp) =>
            sp.insert(TABLES[name]).values({ orgId: orgs.northside, patientId, recordedBy, ...extra } as never),
          );
          expect(err.message, `${name} for ${patientId} by ${recordedBy}`).toMatch(RLS_REFUSED);
        });
      }
    }
    // As someone else, or into another practice, even for one's own patient.
    await asUser("grey", "northside", async (tx) => {
      expect(
        (
          await refused(tx, (sp) =>
            sp.insert(conditions).values({
              orgId: orgs.northside,
              patientId: greyOnly,
              recordedBy: users.shepherd,
              text: "Forged author",
            }),
          )
        ).message,
      ).toMatch(RLS_REFUSED);
      expect(
        (
          await refused(tx, (sp) =>
            sp
              .insert(conditions)
              .values({ orgId: orgs.lakeside, patientId: lakeside, recordedBy: users.grey, text: "Other practice" }),
          )
        ).message,
      ).toMatch(RLS_REFUSED);
    });
  });

  it("an admin's assumed identity (the access explainer) reads none of it", async () => {
    const { users } = await demoIds();
    await asUser("northAdmin", "northside", async (tx) => {
      await tx.execute(sql`select * from app_context_assume(${users.grey})`);
      for (const table of Object.values(TABLES)) {
        expect(await tx.select().from(table).where(eq(table.patientId, greyOnly))).toEqual([]);
      }
    });
  });

  it("with no context, or a context whose transaction has ended, the runtime role sees zero rows", async () => {
    const postgres = (await import("postgres")).default;
    const raw = postgres(runtimeUrl(), { max: 1, onnotice: () => {} });
    try {
      const count = async () => {
        const out: number[] = [];
        for (const t of TABLE_NAMES) out.push((await raw.unsafe(`select count(*)::int as n from ${t}`))[0].n);
        return out;
      };
      expect(await count()).toEqual([0, 0, 0, 0]);
      const { users, orgs } = await demoIds();
      // Forged settings without the session's secret count for nothing.
      await raw.begin(async (tx) => {
        await tx`select set_config('app.user_id', ${users.grey}, true), set_config('app.org_id', ${orgs.northside}, true)`;
        for (const t of TABLE_NAMES) expect((await tx.unsafe(`select count(*)::int as n from ${t}`))[0].n).toBe(0);
      });
      expect(await count()).toEqual([0, 0, 0, 0]);
      const err = await pgError(
        raw`insert into conditions (org_id, patient_id, recorded_by, text) values (${orgs.northside}, ${greyOnly}, ${users.grey}, 'no context')`,
      );
      expect(err.message).toMatch(RLS_REFUSED);
    } finally {
      await raw.end();
    }
  });
});

describe("archived patients and moved rows", () => {
  let patientId: string;
  let rows: Awaited<ReturnType<typeof recordAll>>;
  beforeAll(async () => {
    const { users, orgs } = await demoIds();
    patientId = randomUUID();
    await ownerSql()`insert into patients (id, org_id, mrn, given_name, family_name, birth_date, created_by)
      values (${patientId}, ${orgs.northside}, ${`T-${patientId.slice(0, 8)}`}, 'Vitest', 'Archivecase', '1980-01-01', ${users.northAdmin})`;
    await ownerSql()`insert into care_team (org_id, clinician_id, patient_id, assigned_by)
      values (${orgs.northside}, ${users.grey}, ${patientId}, ${users.northAdmin})`;
    rows = await recordAll("grey", patientId);
    await (await callerFor("northAdmin", "northside")).patients.archive({ id: patientId });
  });
  afterAll(async () => {
    const ids = [...created];
    for (const t of TABLE_NAMES) await ownerSql()`delete from ${ownerSql()(t)} where id = any(${ids})`;
    await ownerSql()`delete from audit_events where patient_id = ${patientId}`;
    await ownerSql()`delete from care_team where patient_id = ${patientId}`;
    await ownerSql()`delete from patients where id = ${patientId}`;
  });

  it("an archived patient's essentials are read by nobody and written by nobody, the recorder included", async () => {
    const grey = await callerFor("grey", "northside");
    expect(await trpcCode(grey.essentials.forChart({ patientId }))).toBe("NOT_FOUND");
    expect(await trpcCode(grey.essentials.recordVitals({ patientId, heartRate: 60 }))).toBe("NOT_FOUND");
    expect(await trpcCode(grey.essentials.stopMedication({ id: rows.medication, stoppedOn: "2025-01-01" }))).toBe(
      "NOT_FOUND",
    );
    expect(
      await trpcCode(grey.essentials.markInError({ entry: "problem", id: rows.problem, reason: "After archiving" })),
    ).toBe("NOT_FOUND");
    const admin = await callerFor("northAdmin", "northside");
    expect(await admin.essentials.forChart({ patientId })).toEqual({
      problems: [],
      allergies: [],
      medications: [],
      vitals: [],
    });
    const { users, orgs } = await demoIds();
    await asUser("grey", "northside", async (tx) => {
      expect(await tx.select().from(conditions).where(eq(conditions.patientId, patientId))).toEqual([]);
      const err = await refused(tx, (sp) =>
        sp.insert(vitalSigns).values({
          orgId: orgs.northside,
          patientId,
          recordedBy: users.grey,
          kind: "heart_rate",
          value: 60,
          effectiveAt: new Date(),
        }),
      );
      expect(err.message).toMatch(RLS_REFUSED);
    });
    const [{ n }] = await ownerSql()`select count(*)::int as n from medication_statements
      where patient_id = ${patientId} and stopped_on is null and error_at is null`;
    expect(n).toBe(1);
  });

  it("nobody moves a row to another practice; a row the owner moved is gone for its recorder", async () => {
    const { orgs } = await demoIds();
    const mine = await recordAll("grey", greyOnly);
    await asUser("grey", "northside", async (tx) => {
      const err = await refused(tx, (sp) =>
        sp.update(conditions).set({ orgId: orgs.lakeside }).where(eq(conditions.id, mine.problem)),
      );
      expect(err.code).toBe("42501"); // no UPDATE grant on org_id at all
    });
    // The owner cannot either: the org-immutable trigger stands for every role.
    const moved = await pgError(ownerSql()`update conditions set org_id = ${orgs.lakeside} where id = ${mine.problem}`);
    expect(moved.code).toBe("42501");
    // A row re-pointed at another practice's patient (maintenance with both triggers disabled) is
    // then invisible and unchangeable from here, answering NOT_FOUND like a row that never existed.
    await ownerSql().begin(async (sql_) => {
      await sql_`alter table vital_signs disable trigger vital_signs_org_immutable`;
      await sql_`alter table vital_signs disable trigger vital_signs_lock`;
      await sql_`update vital_signs set org_id = ${orgs.lakeside}, patient_id = ${lakeside} where id = ${mine.vital}`;
      await sql_`alter table vital_signs enable trigger vital_signs_org_immutable`;
      await sql_`alter table vital_signs enable trigger vital_signs_lock`;
    });
    const grey = await callerFor("grey", "northside");
    expect(await trpcCode(grey.essentials.markInError({ entry: "vital", id: mine.vital, reason: "Moved row" }))).toBe(
      "NOT_FOUND",
    );
    const chart = await grey.essentials.forChart({ patientId: greyOnly });
    expect(chart.vitals.map((v) => v.id)).not.toContain(mine.vital);
    // And House, whose patient it now names, still may not mark Grey's entry.
    const house = await callerFor("house", "lakeside");
    expect(await trpcCode(house.essentials.markInError({ entry: "vital", id: mine.vital, reason: "Not mine" }))).toBe(
      "FORBIDDEN",
    );
  });
});

describe("integrity: recorded content never changes", () => {
  let rows: Awaited<ReturnType<typeof recordAll>>;
  beforeAll(async () => {
    rows = await recordAll("grey", shared);
  });

  it("no UPDATE of clinical content and no DELETE, for the recorder, a colleague and the admin", async () => {
    for (const user of ["grey", "shepherd", "northAdmin"] as const) {
      await asUser(user, "northside", async (tx) => {
        for (const [stmt, re] of [
          [
            (sp: Tx) => sp.update(conditions).set({ text: "Rewritten" }).where(eq(conditions.id, rows.problem)),
            /permission denied/,
          ],
          [
            (sp: Tx) => sp.update(allergies).set({ substance: "Rewritten" }).where(eq(allergies.id, rows.allergy)),
            /permission denied/,
          ],
          [
            (sp: Tx) =>
              sp
                .update(medicationStatements)
                .set({ dose: "50 mg" })
                .where(eq(medicationStatements.id, rows.medication)),
            /permission denied/,
          ],
          [
            (sp: Tx) => sp.update(vitalSigns).set({ value: 99 }).where(eq(vitalSigns.id, rows.vital)),
            /permission denied/,
          ],
          [(sp: Tx) => sp.delete(conditions).where(eq(conditions.id, rows.problem)), /permission denied/],
          [(sp: Tx) => sp.delete(vitalSigns).where(eq(vitalSigns.id, rows.vital)), /permission denied/],
        ] as const) {
          expect((await refused(tx, stmt)).message, user).toMatch(re);
        }
      });
    }
    // The owner role is held by the lock trigger too.
    const err = await pgError(ownerSql()`update conditions set text = 'owner rewrite' where id = ${rows.problem}`);
    expect(err.code).toBe("42501");
  });

  it("entered in error: only the recorder, with a reason, once; it stays in the record and is audited", async () => {
    const shepherd = await callerFor("shepherd", "northside");
    expect(
      await trpcCode(shepherd.essentials.markInError({ entry: "allergy", id: rows.allergy, reason: "Not my entry" })),
    ).toBe("FORBIDDEN");
    expect(await trpcCode(shepherd.essentials.markInError({ entry: "allergy", id: rows.allergy, reason: "x" }))).toBe(
      "BAD_REQUEST",
    );
    const grey = await callerFor("grey", "northside");
    await grey.essentials.markInError({ entry: "allergy", id: rows.allergy, reason: "Wrong patient chosen" });
    const [row] =
      await ownerSql()`select error_reason, error_by, error_at, substance from allergies where id = ${rows.allergy}`;
    const { users } = await demoIds();
    expect(row).toMatchObject({
      error_reason: "Wrong patient chosen",
      error_by: users.grey,
      substance: "Vitest substance",
    });
    expect(row.error_at).toBeInstanceOf(Date);
    expect(
      await trpcCode(grey.essentials.markInError({ entry: "allergy", id: rows.allergy, reason: "Second time round" })),
    ).toBe("NOT_FOUND");
    const [audit] = await ownerSql()`select count(*)::int as n from audit_events
      where action = 'allergy.entered_in_error' and entity_id = ${rows.allergy} and actor_id = ${users.grey}`;
    expect(audit.n).toBe(1);
    // Final for the owner as well.
    expect(
      (await pgError(ownerSql()`update allergies set error_reason = 'again, as owner' where id = ${rows.allergy}`))
        .code,
    ).toBe("42501");
  });

  it("an entry in error is out of reach of every update, for each kind: marked again answers NOT_FOUND, SQL touches no row", async () => {
    const fresh = await recordAll("grey", greyOnly);
    const grey = await callerFor("grey", "northside");
    const entries = [
      ["problem", fresh.problem, "conditions"],
      ["allergy", fresh.allergy, "allergies"],
      ["medication", fresh.medication, "medication_statements"],
      ["vital", fresh.vital, "vital_signs"],
    ] as const;
    for (const [entry, id] of entries) await grey.essentials.markInError({ entry, id, reason: "Wrong patient chosen" });
    for (const [entry, id] of entries)
      expect(await trpcCode(grey.essentials.markInError({ entry, id, reason: "Second time round" })), entry).toBe(
        "NOT_FOUND",
      );
    // The update policies' USING hides a row in error (the lock trigger would refuse it; it never gets the chance).
    const touched = await asUser("grey", "northside", async (tx) => {
      const out: number[] = [];
      for (const [, id, table] of entries)
        out.push(
          (await tx.execute(sql`update ${sql.identifier(table)} set error_reason = 'again' where id = ${id}`)).count,
        );
      return out;
    });
    expect(touched).toEqual([0, 0, 0, 0]);
  });

  it("an entry's stamps are the database's: a backdated record or a resolution in a colleague's name is rewritten", async () => {
    const { users, orgs } = await demoIds();
    const forged = new Date("2001-01-01T00:00:00Z");
    const rows = {
      conditions: {
        text: "Vitest forged stamps",
        resolvedOn: "2024-01-01",
        resolvedBy: users.shepherd,
        resolvedAt: forged,
      },
      allergies: {
        kind: "allergy",
        substance: "Vitest substance",
        resolvedOn: "2024-01-01",
        resolvedBy: users.shepherd,
        resolvedAt: forged,
      },
      medicationStatements: {
        name: "Vitestamol",
        dose: "5 mg",
        frequency: "once daily",
        route: "oral",
        stoppedOn: "2024-01-01",
        stoppedBy: users.shepherd,
        stoppedAt: forged,
      },
      vitalSigns: { kind: "heart_rate", value: 60, effectiveAt: new Date() },
    } as const;
    // asUser rolls back: the stamps are read inside the same transaction.
    const stamps = await asUser("grey", "northside", async (tx) => {
      const ids: Record<string, string> = {};
      for (const [name, extra] of Object.entries(rows) as [keyof typeof rows, (typeof rows)[keyof typeof rows]][]) {
        const table = TABLES[name];
        const [row] = await tx
          .insert(table)
          .values({
            orgId: orgs.northside,
            patientId: greyOnly,
            recordedBy: users.grey,
            recordedAt: forged,
            ...extra,
          } as never)
          .returning({ id: table.id });
        ids[name] = row.id;
      }
      return tx.execute<{ t: string; recorded_at: string; by: string | null; at: string | null }>(sql`
        select 'conditions' as t, recorded_at, resolved_by as by, resolved_at as at from conditions where id = ${ids.conditions}
        union all select 'allergies', recorded_at, resolved_by, resolved_at from allergies where id = ${ids.allergies}
        union all select 'medicationStatements', recorded_at, stopped_by, stopped_at from medication_statements where id = ${ids.medicationStatements}
        union all select 'vitalSigns', recorded_at, null, null from vital_signs where id = ${ids.vitalSigns}`);
    });
    expect(stamps).toHaveLength(4);
    for (const s of stamps) {
      expect(new Date(s.recorded_at).getFullYear(), s.t).toBeGreaterThan(2020);
      if (s.t !== "vitalSigns") expect({ by: s.by, at: s.at }, s.t).toEqual({ by: users.grey, at: s.recorded_at });
    }
  });

  it("a caller whose whole panel is one patient still writes that patient's entries", async () => {
    // The update policies' checks ask for the row's own patient among the visible ones: with a single
    // visible patient, "any other visible patient" would refuse every write.
    const { users, orgs } = await demoIds();
    await ownerSql()`insert into care_team (org_id, clinician_id, patient_id, assigned_by)
      values (${orgs.northside}, ${users.northAdmin}, ${unassigned}, ${users.northAdmin})`;
    try {
      const marked = await asUser("northAdmin", "northside", async (tx) => {
        const [{ n }] = await tx.execute<{ n: number }>(sql`select count(*)::int as n from app_visible_patient_ids()`);
        expect(n).toBe(1);
        const valid = {
          conditions: { text: "Vitest single-panel problem" },
          allergies: { kind: "allergy", substance: "Vitest substance" },
          medicationStatements: { name: "Vitestamol", dose: "5 mg", frequency: "once daily", route: "oral" },
          vitalSigns: { kind: "heart_rate", value: 60, effectiveAt: new Date() },
        } as const;
        const out: Record<string, number> = {};
        for (const [name, extra] of Object.entries(valid) as [
          keyof typeof valid,
          (typeof valid)[keyof typeof valid],
        ][]) {
          const table = TABLES[name];
          const [row] = await tx
            .insert(table)
            .values({ orgId: orgs.northside, patientId: unassigned, recordedBy: users.northAdmin, ...extra } as never)
            .returning({ id: table.id });
          out[name] = (
            await tx.update(table).set({ errorReason: "Recorded on the wrong chart" }).where(eq(table.id, row.id))
          ).count;
        }
        return out;
      });
      expect(marked).toEqual({ conditions: 1, allergies: 1, medicationStatements: 1, vitalSigns: 1 });
    } finally {
      await ownerSql()`delete from care_team where clinician_id = ${users.northAdmin} and patient_id = ${unassigned}`;
    }
  });

  it("resolving a problem and stopping a medication happen once, stamped by the database; any of the team may", async () => {
    const shepherd = await callerFor("shepherd", "northside");
    await shepherd.essentials.resolveProblem({ id: rows.problem, resolvedOn: "2025-06-01" });
    expect(await trpcCode(shepherd.essentials.resolveProblem({ id: rows.problem, resolvedOn: "2025-07-01" }))).toBe(
      "NOT_FOUND",
    );
    expect(await trpcCode(shepherd.essentials.stopMedication({ id: rows.medication, stoppedOn: "2023-01-01" }))).toBe(
      "BAD_REQUEST",
    );
    await shepherd.essentials.stopMedication({
      id: rows.medication,
      stoppedOn: "2025-06-01",
      stopReason: "Side effects",
    });
    const { users } = await demoIds();
    const [p] =
      await ownerSql()`select clinical_status, resolved_by, resolved_at from conditions where id = ${rows.problem}`;
    expect(p).toMatchObject({ clinical_status: "resolved", resolved_by: users.shepherd });
    const [m] =
      await ownerSql()`select stopped_by, stop_reason from medication_statements where id = ${rows.medication}`;
    expect(m).toMatchObject({ stopped_by: users.shepherd, stop_reason: "Side effects" });
    await asUser("grey", "northside", async (tx) => {
      const err = await refused(tx, (sp) =>
        sp.update(conditions).set({ resolvedOn: null }).where(eq(conditions.id, rows.problem)),
      );
      expect(err.code).toBe("42501");
      // Marking it in error later keeps the act as it stood.
      const err2 = await refused(tx, (sp) =>
        sp
          .update(medicationStatements)
          .set({ errorReason: "Wrong drug", stoppedOn: "2025-07-01" })
          .where(eq(medicationStatements.id, rows.medication)),
      );
      expect(err2.code).toBe("42501");
    });
  });

  it("a vital sign cannot be resolved or stopped, only marked in error; stamps cannot be forged", async () => {
    await asUser("grey", "northside", async (tx) => {
      const err = await refused(tx, (sp) =>
        sp.execute(sql`update vital_signs set error_by = ${randomUUID()} where id = ${rows.vital}`),
      );
      expect(err.message).toMatch(/permission denied/);
      const [marked] = await tx
        .update(vitalSigns)
        .set({ errorReason: "Cuff on wrong arm" })
        .where(eq(vitalSigns.id, rows.vital))
        .returning();
      expect(marked.errorAt).toBeInstanceOf(Date);
      expect(marked.value).toBe(71);
    });
  });
});

describe("allergies: 'no known allergies' is a recorded state", () => {
  it("cannot be recorded beside an active allergy; a new allergy ends it; the database holds both rules", async () => {
    const patientId = await patientIdByMrn("DEMO-N-0013");
    const grey = await callerFor("grey", "northside");
    const nka = await grey.essentials.recordNoKnownAllergies({ patientId });
    created.add(nka.id);
    expect(await trpcCode(grey.essentials.recordNoKnownAllergies({ patientId }))).toBe("CONFLICT");
    const allergy = await grey.essentials.recordAllergy({ patientId, substance: "Latex (vitest)", severity: "severe" });
    created.add(allergy.id);
    const chart = await grey.essentials.forChart({ patientId });
    expect(chart.allergies.find((a) => a.id === nka.id)?.clinicalStatus).toBe("inactive");
    expect(await trpcCode(grey.essentials.recordNoKnownAllergies({ patientId }))).toBe("CONFLICT");
    const { users, orgs } = await demoIds();
    // Past the app: the trigger refuses either order.
    await asUser("grey", "northside", async (tx) => {
      const err = await refused(tx, (sp) =>
        sp
          .insert(allergies)
          .values({ orgId: orgs.northside, patientId, recordedBy: users.grey, kind: "no_known_allergies" }),
      );
      expect(err.code).toBe("23514");
    });
    const fresh = await patientIdByMrn("DEMO-N-0012");
    await asUser("grey", "northside", async (tx) => {
      await tx
        .insert(allergies)
        .values({ orgId: orgs.northside, patientId: fresh, recordedBy: users.grey, kind: "no_known_allergies" });
      const err = await refused(tx, (sp) =>
        sp.insert(allergies).values({
          orgId: orgs.northside,
          patientId: fresh,
          recordedBy: users.grey,
          kind: "allergy",
          substance: "Beside NKA",
        }),
      );
      expect(err.code).toBe("23514");
    });
  });
});

describe("bad input", () => {
  it("answers BAD_REQUEST with zod issues and writes nothing", async () => {
    const patientId = await patientIdByMrn("DEMO-N-0011");
    const grey = await callerFor("grey", "northside");
    const before = await ownerSql()`select count(*)::int as n from vital_signs where patient_id = ${patientId}`;
    for (const input of [
      { patientId, systolic: 300, diastolic: 80 },
      { patientId, systolic: 120 },
      { patientId, systolic: 80, diastolic: 90 },
      { patientId, temperature: 52, heartRate: 70 },
      { patientId },
    ]) {
      const err = await grey.essentials.recordVitals(input).then(
        () => null,
        (e: { code?: string; cause?: { issues?: unknown[] } }) => e,
      );
      expect(err?.code, JSON.stringify(input)).toBe("BAD_REQUEST");
      expect(err?.cause?.issues?.length, JSON.stringify(input)).toBeGreaterThan(0);
    }
    expect(await trpcCode(grey.essentials.recordProblem({ patientId, text: "X", code: "I10" } as never))).toBe(
      "BAD_REQUEST",
    );
    expect(
      await trpcCode(
        grey.essentials.recordMedication({
          patientId,
          name: "Drug",
          dose: "1",
          frequency: "daily",
          route: "by owl",
        } as never),
      ),
    ).toBe("BAD_REQUEST");
    const after = await ownerSql()`select count(*)::int as n from vital_signs where patient_id = ${patientId}`;
    expect(after[0].n).toBe(before[0].n);
    const { users } = await demoIds();
    const audits = await ownerSql()`select count(*)::int as n from audit_events
      where actor_id = ${users.grey} and patient_id = ${patientId} and action = 'vitals.record'`;
    expect(audits[0].n).toBe(0);
  });

  it("the database's vital ranges are the form's: each bound is accepted, just past it refused", async () => {
    const { users, orgs } = await demoIds();
    const patientId = await patientIdByMrn("DEMO-N-0011");
    const single = {
      heartRate: "heart_rate",
      temperature: "body_temperature",
      weight: "body_weight",
      height: "body_height",
    } as const;
    await asUser("grey", "northside", async (tx) => {
      const insert = (kind: string, value: number, diastolic: number | null = null) =>
        tx.transaction((sp) =>
          sp.execute(sql`insert into vital_signs (org_id, patient_id, recorded_by, kind, value, diastolic, effective_at)
            values (${orgs.northside}, ${patientId}, ${users.grey}, ${kind}, ${value}, ${diastolic}, now())`),
        );
      for (const [field, kind] of Object.entries(single)) {
        const { min, max } = VITAL_RANGES[field as keyof typeof single];
        await insert(kind, min);
        await insert(kind, max);
        expect((await pgError(insert(kind, min - 0.1))).code, field).toBe("23514");
        expect((await pgError(insert(kind, max + 0.1))).code, field).toBe("23514");
      }
      const s = VITAL_RANGES.systolic;
      const d = VITAL_RANGES.diastolic;
      await insert("blood_pressure", s.max, d.max);
      await insert("blood_pressure", s.min, d.min);
      expect((await pgError(insert("blood_pressure", s.max + 0.1, d.min))).code).toBe("23514");
      expect((await pgError(insert("blood_pressure", s.min - 0.1, d.min))).code).toBe("23514");
      expect((await pgError(insert("blood_pressure", s.max, d.max + 0.1))).code).toBe("23514");
      expect((await pgError(insert("blood_pressure", s.max, d.min - 0.1))).code).toBe("23514");
      expect((await pgError(insert("blood_pressure", 120, 120))).code).toBe("23514");
      const future = await pgError(
        tx.transaction((sp) =>
          sp.execute(sql`insert into vital_signs (org_id, patient_id, recorded_by, kind, value, effective_at)
            values (${orgs.northside}, ${patientId}, ${users.grey}, 'heart_rate', 70, now() + interval '1 day')`),
        ),
      );
      expect(future.code).toBe("23514");
    });
  });
});
