import { afterAll, describe, expect, it } from "vitest";
import { GET as auditCsv } from "@/app/api/admin/audit-csv/route";
import { accessReportCsv, CSV_COLUMNS } from "@/server/access/export";
import { emergencyEndWords, summariseAccess, type AccessRow } from "@/server/access/report";
import { AUDIT_ACTION_NAMES, AUDIT_ACTIONS, AUDIT_ENTITY_LABELS } from "@/server/audit/actions";
import { describeAuditEvent, emptyAuditNames, LIST_ACTIONS } from "@/server/audit/describe";
import { demoPatients, demoUsers } from "@/server/db/seed/demo-data";
import { callerFor, cookieFor, demoIds, ownerSql, patientIdByMrn } from "@/tests/helpers/db";

// The audit trail as a practice manager reads it: every action and entity has words, no row shows
// a code or an id, an emergency access's end says who ended it, list-page views are summarised,
// and the CSV carries the words and the emergency reason but no clinical content.

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const CODE = /\b[a-z]+(?:_[a-z]+)*\.[a-z_]+\b/; // "break_glass.end", "patient.view"
const REASON = "Vitest readable audit: collapsed in the waiting room";
const NOTE_TEXT = "Vitest readable audit: clinical text an admin must not see";

// Two of grey's own patients no other test file uses, so the accesses below are the only ones.
const [endedTarget, revokedTarget] = demoPatients
  .filter((p) => p.org === "northside" && p.team.length === 1 && p.team[0] === "grey")
  .filter((p) => !["DEMO-N-0001", "DEMO-N-0002", "DEMO-N-0015", "DEMO-N-0016"].includes(p.mrn))
  .slice(-2);

afterAll(async () => {
  await ownerSql()`delete from access_grants where reason = ${REASON}`;
});

describe("the catalogue's words", () => {
  it("gives every action and every entity a label for people, not a code", () => {
    for (const action of AUDIT_ACTION_NAMES) {
      const { label } = AUDIT_ACTIONS[action];
      expect(label, action).toMatch(/^[A-Z]/);
      expect(label, action).not.toMatch(CODE);
      expect(label, action).not.toContain("_");
    }
    for (const [entity, label] of Object.entries(AUDIT_ENTITY_LABELS)) {
      expect(label, entity).toMatch(/^[A-Z][a-z -]+$/);
    }
  });

  it("describes every action, with unresolved ids, without a code or an id in any word", () => {
    const id = "5b3c6a0e-2f4d-4e8a-9c1b-7d6e5f4a3b2c";
    const details: Record<string, unknown> = {
      patientIds: [id],
      noteIds: [id, id],
      clinicianId: id,
      coveringId: id,
      coveredId: id,
      memberId: id,
      fields: ["givenName", "phone"],
      role: "clinician",
      version: 2,
      search: "apple",
      results: 1,
      endedSessions: 2,
      method: "totp",
    };
    for (const action of AUDIT_ACTION_NAMES) {
      const words = describeAuditEvent(
        { action, entity: AUDIT_ACTIONS[action].entity, entityId: id, patientId: id, detail: details },
        emptyAuditNames(),
        "Europe/Berlin",
      );
      for (const text of [words.action, words.entity, words.details]) {
        expect(text, action).not.toMatch(UUID);
        expect(text, action).not.toMatch(CODE);
      }
    }
  });

  it("tells an emergency access ended by the clinician from one revoked by an admin", () => {
    const names = emptyAuditNames();
    names.users.set("u-grey", "Dr. Meredith Grey").set("u-admin", "Nora Admin");
    names.grants.set("g-own", { clinicianId: "u-grey", reason: REASON, revokedBy: "u-grey" });
    names.grants.set("g-admin", { clinicianId: "u-grey", reason: REASON, revokedBy: "u-admin" });
    const row = (action: string, entityId: string) =>
      describeAuditEvent(
        { action, entity: "access_grant", entityId, patientId: null, detail: { clinicianId: "u-grey" } },
        names,
        "UTC",
      );
    const ended = row("break_glass.end", "g-own");
    const revoked = row("break_glass.revoke", "g-admin");
    expect(ended.action).toBe("Emergency access ended by the clinician");
    expect(revoked.action).toBe("Emergency access revoked by an admin");
    expect(ended.details).toBe("Ended early by Dr. Meredith Grey before it ran out");
    expect(revoked.details).toBe("Access of Dr. Meredith Grey ended by Nora Admin");
    expect(ended.entity).toBe("Emergency access of Dr. Meredith Grey");
    expect(row("break_glass.request", "g-own")).toMatchObject({
      details: `Reason: ${REASON}`,
      emergencyReason: REASON,
    });
    const at = new Date("2026-03-03T14:05:00Z");
    expect(emergencyEndWords({ at, by: "clinician", name: "Dr. Meredith Grey" }, "Europe/Berlin")).toBe(
      "Ended early by the clinician 3 Mar 2026, 15:05 GMT+1",
    );
    expect(emergencyEndWords({ at, by: "admin", name: "Nora Admin" }, "Europe/Berlin")).toBe(
      "Revoked by an admin (Nora Admin) 3 Mar 2026, 15:05 GMT+1",
    );
  });
});

describe("list-page views in the access report", () => {
  const access = (id: number, actorId: string, action: string, at: string): AccessRow => ({
    id,
    at: new Date(at),
    actorId,
    actorName: actorId,
    role: "clinician",
    action,
    what: AUDIT_ACTIONS[action as keyof typeof AUDIT_ACTIONS].label,
    basis: "care_team",
    count: 1,
    until: null,
    emergency: null,
  });

  it("folds one member's run of list pages into one line with its count and times in the zone", () => {
    const rows = [
      ...[2, 3, 4, 5].map((m, i) => access(i, "grey", "patient.list", `2026-03-03T13:0${m}:00Z`)),
      access(10, "shepherd", "patient.view", "2026-03-03T13:05:30Z"), // another member's access between
      ...[6, 7, 9].map((m, i) => access(20 + i, "grey", "patient.list", `2026-03-03T13:0${m}:00Z`)),
      access(30, "grey", "patient.view", "2026-03-03T13:10:00Z"), // grey's own access ends the run
      access(31, "grey", "patient.list", "2026-03-03T13:11:00Z"),
      access(32, "grey", "patient.list", "2026-03-04T09:00:00Z"), // another day
    ];
    const lines = summariseAccess(rows, "Europe/Berlin");
    expect(lines.map((l) => [l.actorId, l.action, l.count])).toEqual([
      ["grey", "patient.list", 7],
      ["shepherd", "patient.view", 1],
      ["grey", "patient.view", 1],
      ["grey", "patient.list", 1],
      ["grey", "patient.list", 1],
    ]);
    expect(lines[0].what).toBe("Shown on a patient list page, 7 times between 14:02 and 14:09 GMT+1");
    expect(lines[0].until).toEqual(new Date("2026-03-03T13:09:00Z"));
    expect(lines[3].what).toBe("Shown on a patient list page");
    const sameMinute = summariseAccess(
      [
        access(1, "grey", "patient.list", "2026-03-03T13:02:05Z"),
        access(2, "grey", "patient.list", "2026-03-03T13:02:40Z"),
      ],
      "UTC",
    );
    expect(sameMinute[0].what).toBe("Shown on a patient list page, 2 times at 13:02 UTC");
    expect(rows[0].count).toBe(1); // the recorded rows themselves are left as they were
  });

  it("counts each list kind on its own and every kind that records a page of patients", () => {
    expect([...LIST_ACTIONS].sort()).toEqual([
      "appointment.schedule",
      "appointment.today",
      "directory.search",
      "fhir.search",
      "patient.duplicate_check",
      "patient.import_preview",
      "patient.list",
      "practice.export",
    ]);
    const lines = summariseAccess(
      [
        access(1, "grey", "patient.list", "2026-03-03T13:02:00Z"),
        access(2, "grey", "appointment.today", "2026-03-03T13:03:00Z"),
        access(3, "grey", "appointment.today", "2026-03-03T13:04:00Z"),
      ],
      "UTC",
    );
    expect(lines.map((l) => l.count)).toEqual([1, 2]);
    const csv = accessReportCsv(lines).split("\r\n");
    expect(csv[0]).toBe(CSV_COLUMNS.map((c) => `"${c}"`).join(","));
    expect(csv[2]).toContain(`"Viewed today's visits, 2 times between 13:03 and 13:04 UTC"`);
    expect(csv[2]).toContain(`"2","2026-03-03T13:04:00.000Z"`);
  });
});

describe("the audit log and its CSV through the procedures, as the practice admin", () => {
  it("names the emergency accesses, their reason and who ended them, with no id or code in the words", async () => {
    const { users } = await demoIds();
    const shepherd = await callerFor("shepherd", "northside");
    const admin = await callerFor("northAdmin", "northside");
    const ended = await shepherd.breakGlass.request({
      patientId: await patientIdByMrn(endedTarget.mrn),
      reason: REASON,
    });
    await shepherd.patients.byId({ id: ended.patientId });
    await shepherd.breakGlass.end({ id: ended.id });
    const revoked = await shepherd.breakGlass.request({
      patientId: await patientIdByMrn(revokedTarget.mrn),
      reason: REASON,
    });
    await admin.admin.breakGlass.revoke({ id: revoked.id });

    const page = await admin.admin.audit.list({ actorId: users.shepherd, limit: 50 });
    const byGrant = (action: string, id: string) => page.items.find((e) => e.action === action && e.entityId === id);
    expect(byGrant("break_glass.end", ended.id)?.words).toEqual({
      action: "Emergency access ended by the clinician",
      entity: `Emergency access of ${demoUsers.shepherd.name}`,
      details: `Ended early by ${demoUsers.shepherd.name} before it ran out`,
      emergencyReason: REASON,
    });
    expect(byGrant("break_glass.request", revoked.id)?.words).toMatchObject({
      action: "Requested emergency access",
      details: `Reason: ${REASON}`,
      emergencyReason: REASON,
    });
    const adminPage = await admin.admin.audit.list({ action: "break_glass.revoke", limit: 50 });
    expect(adminPage.items.find((e) => e.entityId === revoked.id)?.words).toMatchObject({
      action: "Emergency access revoked by an admin",
      details: `Access of ${demoUsers.shepherd.name} ended by ${demoUsers.northAdmin.name}`,
    });
    for (const e of [...page.items, ...adminPage.items])
      for (const text of [e.words.action, e.words.entity, e.words.details]) {
        expect(text).not.toMatch(UUID);
        expect(text).not.toMatch(CODE);
      }

    // The access report tells the two ends apart, from the grant as the database holds it.
    const today = new Date().toISOString().slice(0, 10);
    const report = await admin.admin.access.report({ patientId: ended.patientId, from: today, to: today });
    expect(report.rows.find((r) => r.basis === "break_glass")?.emergency?.ended).toMatchObject({ by: "clinician" });
  });

  it("summarises a clinician's list pages in the access report", async () => {
    const grey = await callerFor("grey", "northside");
    const admin = await callerFor("northAdmin", "northside");
    const patientId = await patientIdByMrn(endedTarget.mrn);
    for (let i = 0; i < 3; i++) await grey.patients.list({ search: endedTarget.familyName });
    const today = new Date().toISOString().slice(0, 10);
    const report = await admin.admin.access.report({ patientId, from: today, to: today });
    const lists = report.rows.filter((r) => r.actorName === demoUsers.grey.name && r.action === "patient.list");
    expect(lists.at(-1)?.count).toBeGreaterThanOrEqual(3);
    expect(lists.at(-1)?.what).toMatch(
      /^Shown on a patient list page, \d+ times (between \d\d:\d\d and|at) \d\d:\d\d \S+$/,
    );
    expect(report.accesses).toBeGreaterThan(report.rows.length);
  });

  it("exports the words and the emergency reason, and nothing of a note's text", async () => {
    const { users } = await demoIds();
    const grey = await callerFor("grey", "northside");
    const note = await grey.notes.create({ patientId: await patientIdByMrn(endedTarget.mrn), body: NOTE_TEXT });
    expect(note.id).toBeTruthy();
    const cookie = await cookieFor("northAdmin", "northside");
    const res = await auditCsv(
      new Request(`http://localhost/api/admin/audit-csv?actorId=${users.shepherd}`, { headers: { cookie } }),
    );
    expect(res.status).toBe(200);
    const csv = await res.text();
    const [header, ...lines] = csv.trim().split("\r\n");
    expect(header).toBe(
      '"at","actorId","actorName","action","actionLabel","entity","entityId","patientId","patientName","patientMrn","requestId","detail","about","details","emergencyReason"',
    );
    const ended = lines.find((l) => l.includes('"Emergency access ended by the clinician"'));
    expect(ended).toContain(`"Emergency access of ${demoUsers.shepherd.name}"`);
    expect(ended?.endsWith(`"${REASON}"`)).toBe(true);
    const greyCsv = await (
      await auditCsv(new Request(`http://localhost/api/admin/audit-csv?actorId=${users.grey}`, { headers: { cookie } }))
    ).text();
    expect(greyCsv).toContain('"Wrote a note"');
    expect(greyCsv).not.toContain(NOTE_TEXT);
    // A clinician gets no export at all.
    const refused = await auditCsv(
      new Request("http://localhost/api/admin/audit-csv", {
        headers: { cookie: await cookieFor("grey", "northside") },
      }),
    );
    expect(refused.status).toBe(403);
  });
});
