import { afterAll, describe, expect, it } from "vitest";
import { callerFor, demoIds, ownerSql, patientIdByMrn, trpcCode } from "@/tests/helpers/db";

const inOneHour = () => new Date(Date.now() + 3600_000);

describe("appointments and notes", () => {
  const created: string[] = [];
  afterAll(async () => {
    await ownerSql()`delete from appointments where reason = 'Vitest visit'`;
    await ownerSql()`delete from clinical_notes where id = any(${created})`;
  });

  it("list splits upcoming and past; create and cancel are audited", async () => {
    const grey = await callerFor("grey", "northside");
    const patientId = await patientIdByMrn("DEMO-N-0001");
    const before = await grey.appointments.list({ patientId });
    expect(before.upcoming.length + before.past.length).toBeGreaterThanOrEqual(2);
    const appt = await grey.appointments.create({
      patientId,
      startsAt: inOneHour(),
      durationMinutes: 30,
      reason: "Vitest visit",
    });
    const after = await grey.appointments.list({ patientId });
    expect(after.upcoming.map((a) => a.id)).toContain(appt.id);
    expect((await grey.appointments.cancel({ id: appt.id })).status).toBe("cancelled");
    expect(await trpcCode(grey.appointments.cancel({ id: appt.id }))).toBe("NOT_FOUND");
    const actions = await ownerSql()`select action from audit_events where entity_id = ${appt.id} order by id`;
    expect(actions.map((a) => a.action)).toEqual(["appointment.create", "appointment.cancel"]);
  });

  it("a hidden or other-org patient answers NOT_FOUND for every appointment and note procedure, and nothing is written", async () => {
    const grey = await callerFor("grey", "northside");
    for (const mrn of ["DEMO-N-0025", "DEMO-L-0001", "DEMO-N-0018"]) {
      const patientId = await patientIdByMrn(mrn);
      expect(await trpcCode(grey.appointments.list({ patientId }))).toBe("NOT_FOUND");
      expect(
        await trpcCode(
          grey.appointments.create({ patientId, startsAt: inOneHour(), durationMinutes: 30, reason: "Vitest visit" }),
        ),
      ).toBe("NOT_FOUND");
      expect(await trpcCode(grey.notes.list({ patientId }))).toBe("NOT_FOUND");
      expect(await trpcCode(grey.notes.create({ patientId, body: "should not land" }))).toBe("NOT_FOUND");
    }
    const [{ n }] = await ownerSql()`select count(*)::int as n from clinical_notes where body = 'should not land'`;
    expect(n).toBe(0);
  });

  it("another org's appointment cannot be cancelled", async () => {
    const house = await callerFor("house", "lakeside");
    const [appt] = await ownerSql()`select a.id from appointments a join patients p on p.id = a.patient_id
      where p.mrn = 'DEMO-N-0001' and a.starts_at > now() and a.status = 'scheduled' limit 1`;
    expect(await trpcCode(house.appointments.cancel({ id: appt.id }))).toBe("NOT_FOUND");
    const [row] = await ownerSql()`select status from appointments where id = ${appt.id}`;
    expect(row.status).toBe("scheduled");
  });

  it("notes: the author edits, a colleague on the team reads but cannot edit, the admin sees none", async () => {
    const grey = await callerFor("grey", "northside");
    const shepherd = await callerFor("shepherd", "northside");
    const admin = await callerFor("northAdmin", "northside");
    const patientId = await patientIdByMrn("DEMO-N-0015"); // shared by grey and shepherd
    const note = await grey.notes.create({ patientId, body: "<script>alert(1)</script> & 'quotes'" });
    created.push(note.id);
    const seen = await shepherd.notes.list({ patientId });
    const mine = seen.find((n) => n.id === note.id)!;
    expect(mine).toMatchObject({ body: "<script>alert(1)</script> & 'quotes'", mine: false });
    expect(await trpcCode(shepherd.notes.update({ id: note.id, body: "overwritten" }))).toBe("NOT_FOUND");
    expect((await grey.notes.update({ id: note.id, body: "edited" })).body).toBe("edited");
    expect(await admin.notes.list({ patientId })).toEqual([]);
  });

  it("bad input is BAD_REQUEST", async () => {
    const grey = await callerFor("grey", "northside");
    const patientId = await patientIdByMrn("DEMO-N-0001");
    expect(
      await trpcCode(
        grey.appointments.create({ patientId, startsAt: new Date("2000-01-01"), durationMinutes: 30, reason: "x" }),
      ),
    ).toBe("BAD_REQUEST");
    expect(
      await trpcCode(grey.appointments.create({ patientId, startsAt: inOneHour(), durationMinutes: 0, reason: "x" })),
    ).toBe("BAD_REQUEST");
    expect(await trpcCode(grey.notes.create({ patientId, body: "   " }))).toBe("BAD_REQUEST");
  });

  it("the care team lists names; patients.list sorts by last visit with a working cursor", async () => {
    const grey = await callerFor("grey", "northside");
    const { users } = await demoIds();
    const team = await grey.patients.careTeam({ id: await patientIdByMrn("DEMO-N-0015") });
    expect(team.map((t) => t.clinicianId).sort()).toEqual([users.grey, users.shepherd].sort());
    const all: { id: string; lastVisit: Date | null }[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof grey.patients.list>> = await grey.patients.list({
        sort: "lastVisit",
        limit: 5,
        cursor,
      });
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const full = await grey.patients.list({ limit: 100 });
    expect(all.map((p) => p.id).sort()).toEqual(full.items.map((p) => p.id).sort());
    expect(full.total).toBe(full.items.length);
    // Sorted by name, the last visit comes from a per-page lookup: same values as the last-visit sort.
    const byId = new Map(all.map((p) => [p.id, p.lastVisit?.getTime() ?? null]));
    expect(full.items.map((p) => [p.id, p.lastVisit?.getTime() ?? null])).toEqual(
      full.items.map((p) => [p.id, byId.get(p.id)]),
    );
    expect(full.items.some((p) => p.lastVisit !== null)).toBe(true);
    const times = all.map((p) => p.lastVisit?.getTime() ?? -Infinity);
    expect(times.every((t) => !Number.isNaN(t))).toBe(true);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });
});
