import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessReportCsv, csvCellQuoted } from "@/server/access/export";
import { clinicalNotes, patients } from "@/server/db/schema";
import { asUser, callerFor, demoIds, forEachDemoMember, ownerSql, patientIdByMrn, trpcCode } from "@/tests/helpers/db";

// The explainer is the policies' own answer (checked for every member ×
// patient of the demo); the access report carries the basis recorded at the time of access.

describe("access explainer", () => {
  it("equals what each member actually sees under RLS, for every member × patient pair of the demo", async () => {
    const { users } = await demoIds();
    let pairs = 0;
    await forEachDemoMember(async ({ member, org, admin, all }) => {
      const sees = new Set(
        (await asUser(member, org, (tx) => tx.select({ id: patients.id }).from(patients))).map((p) => p.id),
      );
      const notes = new Set(
        (await asUser(member, org, (tx) => tx.selectDistinct({ id: clinicalNotes.patientId }).from(clinicalNotes))).map(
          (p) => p.id,
        ),
      );
      for (const patientId of all) {
        const e = await admin.admin.access.explain({ memberId: users[member], patientId });
        const label = `${member}@${org} × ${patientId}`;
        expect(e.canSee, label).toBe(sees.has(patientId));
        if (notes.has(patientId)) expect(e.clinical, label).toBe(true); // every demo patient on a team has a note
        expect(
          e.canSee ? e.rules.length > 0 && e.denial === null : e.rules.length === 0 && e.denial !== null,
          label,
        ).toBe(true);
        pairs++;
      }
    });
    expect(pairs).toBe(4 * 27 + 3 * 12);
  });

  it("names the rule: care team since, cover of whom until, grant until, admin demographics only, or why not", async () => {
    const { users } = await demoIds();
    const admin = await callerFor("northAdmin", "northside");
    const greyOwn = await patientIdByMrn("DEMO-N-0001");
    expect((await admin.admin.access.explain({ memberId: users.grey, patientId: greyOwn })).rules).toEqual([
      { kind: "care_team", since: expect.any(Date) },
    ]);
    const locum = await admin.admin.access.explain({ memberId: users.locum, patientId: greyOwn });
    expect(locum).toMatchObject({ canSee: false, clinical: false, denial: "not_on_team", rules: [] });
    const self = await admin.admin.access.explain({ memberId: users.northAdmin, patientId: greyOwn });
    expect(self).toMatchObject({ canSee: true, clinical: false, rules: [{ kind: "admin" }] });
    // Lakeside's cover, explained by Lakeside's admin.
    const lake = await callerFor("lakeAdmin", "lakeside");
    const locumsLake = await patientIdByMrn("DEMO-L-0009");
    const house = await lake.admin.access.explain({ memberId: users.house, patientId: locumsLake });
    expect(house.rules).toEqual([{ kind: "coverage", coveredName: "Dr. Lee Locum", until: expect.any(Date) }]);
    // A member of another practice, and a patient of another practice.
    expect((await admin.admin.access.explain({ memberId: users.house, patientId: greyOwn })).denial).toBe("not_member");
    expect(await trpcCode(admin.admin.access.explain({ memberId: users.grey, patientId: locumsLake }))).toBe(
      "NOT_FOUND",
    );
    // Clinicians cannot ask.
    expect(
      await trpcCode(
        (await callerFor("grey", "northside")).admin.access.explain({ memberId: users.locum, patientId: greyOwn }),
      ),
    ).toBe("FORBIDDEN");
  });

  it("says suspended, and archived, as the policies decide them", async () => {
    const { users, orgs } = await demoIds();
    const admin = await callerFor("northAdmin", "northside");
    const patientId = await patientIdByMrn("DEMO-N-0020");
    await ownerSql()`update memberships set status = 'suspended' where user_id = ${users.shepherd} and org_id = ${orgs.northside}`;
    try {
      expect(await admin.admin.access.explain({ memberId: users.shepherd, patientId })).toMatchObject({
        canSee: false,
        denial: "suspended",
      });
    } finally {
      await ownerSql()`update memberships set status = 'active' where user_id = ${users.shepherd} and org_id = ${orgs.northside}`;
    }
    await admin.patients.archive({ id: patientId });
    try {
      expect(await admin.admin.access.explain({ memberId: users.shepherd, patientId })).toMatchObject({
        canSee: false,
        denial: "archived",
      });
      expect(await admin.admin.access.explain({ memberId: users.northAdmin, patientId })).toMatchObject({
        canSee: true,
        rules: [{ kind: "admin" }],
      });
    } finally {
      await admin.patients.restore({ id: patientId });
    }
  });
});

describe("patient access report", () => {
  let patientId: string;
  const today = new Date().toISOString().slice(0, 10);
  beforeAll(async () => {
    patientId = await patientIdByMrn("DEMO-N-0016"); // grey and shepherd share it
  });
  afterAll(async () => {
    await ownerSql()`delete from access_grants where reason like 'Vitest report:%'`;
  });

  it("lists each access with the basis recorded at the time, not recomputed later", async () => {
    const { users, orgs } = await demoIds();
    const grey = await callerFor("grey", "northside");
    await grey.patients.byId({ id: patientId });
    await grey.notes.list({ patientId });
    await grey.patients.list({ search: "Quillfeather" }).catch(() => undefined);
    const admin = await callerFor("northAdmin", "northside");
    await admin.patients.byId({ id: patientId });
    // locum reaches it by an emergency grant, then loses it.
    const locum = await callerFor("locum", "northside");
    const grant = await locum.breakGlass.request({ patientId, reason: "Vitest report: emergency at the front desk" });
    await locum.patients.byId({ id: patientId });
    await ownerSql()`update access_grants set expires_at = granted_at + interval '1 second' where id = ${grant.id}`;
    // Later, grey leaves the care team: her earlier rows keep saying care team.
    await ownerSql()`delete from care_team where clinician_id = ${users.grey} and patient_id = ${patientId}`;
    try {
      const report = await admin.admin.access.report({ patientId, from: today, to: today });
      const rows = report.rows;
      const greyView = rows.find((r) => r.actorId === users.grey && r.action === "patient.view");
      expect(greyView).toMatchObject({
        basis: "care_team",
        what: "Opened the chart",
        actorName: "Dr. Meredith Grey",
        role: "clinician",
      });
      expect(rows.find((r) => r.actorId === users.grey && r.action === "note.list")?.basis).toBe("care_team");
      expect(rows.find((r) => r.actorId === users.northAdmin && r.action === "patient.view")?.basis).toBe("admin");
      const emergency = rows.find((r) => r.actorId === users.locum && r.action === "patient.view");
      expect(emergency).toMatchObject({
        basis: "break_glass",
        emergency: { reason: "Vitest report: emergency at the front desk", reviewedAt: null },
      });
      // Nothing about another patient, nothing of another practice.
      const [other] = await ownerSql()`select count(*)::int as n from audit_events where org_id = ${orgs.lakeside}`;
      expect(other.n).toBeGreaterThanOrEqual(0);
      expect(rows.every((r) => r.action !== "directory.search")).toBe(true);
      // The database, not the app, sets the basis: a forged one is overwritten.
      await asUser("northAdmin", "northside", async (tx) => {
        const { auditEvents } = await import("@/server/db/schema");
        const requestId = randomUUID();
        await tx.insert(auditEvents).values({
          orgId: orgs.northside,
          actorId: users.northAdmin,
          action: "patient.view",
          entity: "patient",
          patientId,
          requestId,
          basis: "care_team",
        });
        const rows = await tx.execute<{ basis: string | null }>(
          sql`select basis from audit_events where request_id = ${requestId}`,
        );
        expect(rows.map((r) => r.basis)).toEqual(["admin"]);
      });
    } finally {
      await ownerSql()`insert into care_team (org_id, clinician_id, patient_id, assigned_by) values (${orgs.northside}, ${users.grey}, ${patientId}, ${users.northAdmin})`;
    }
  });

  it("shows the seeded, reviewed emergency access with its reason and review", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const from = new Date(Date.now() - 30 * 24 * 3600_000).toISOString().slice(0, 10);
    const report = await admin.admin.access.report({ patientId: await patientIdByMrn("DEMO-N-0002"), from, to: today });
    const emergency = report.rows.filter((r) => r.basis === "break_glass");
    expect(emergency.length).toBeGreaterThan(0);
    expect(emergency[0].emergency).toMatchObject({
      reviewerName: "Nora Admin",
      comment: expect.stringContaining("Justified"),
    });
    expect(await trpcCode(admin.admin.access.report({ patientId: randomUUID(), from, to: today }))).toBe("NOT_FOUND");
    expect(
      await trpcCode(
        admin.admin.access.report({ patientId: await patientIdByMrn("DEMO-N-0002"), from: today, to: from }),
      ),
    ).toBe("BAD_REQUEST");
    expect(
      await trpcCode(
        (await callerFor("grey", "northside")).admin.access.report({
          patientId: await patientIdByMrn("DEMO-N-0002"),
          from,
          to: today,
        }),
      ),
    ).toBe("FORBIDDEN");
  });

  it("CSV quotes every cell and neutralises formulas", () => {
    expect(csvCellQuoted('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    for (const lead of ["+", "-", "@", "\t", "\r"]) expect(csvCellQuoted(`${lead}1`)).toBe(`"'${lead}1"`);
    expect(csvCellQuoted("plain")).toBe('"plain"');
    expect(csvCellQuoted(null)).toBe('""');
    const csv = accessReportCsv([
      {
        id: 1,
        at: new Date("2026-01-02T03:04:05Z"),
        actorId: "a",
        actorName: "=cmd()",
        role: "clinician",
        action: "patient.view",
        what: "Opened the chart",
        basis: "care_team",
        count: 1,
        until: null,
        emergency: null,
      },
    ]);
    expect(csv.split("\r\n")[1]).toBe(
      `"2026-01-02T03:04:05.000Z","'=cmd()","clinician","Opened the chart","care team","","","","","1","","",""`,
    );
    void eq;
  });
});
