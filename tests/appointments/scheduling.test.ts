import { afterAll, describe, expect, it } from "vitest";
import { demoPanel } from "@/server/db/seed/demo-data";
import { callerFor, demoIds, ownerSql, patientIdByMrn, pgError, trpcCode } from "@/tests/helpers/db";

// A clinician's scheduled visits never overlap (exclusion constraint appointments_no_overlap),
// whoever books and whatever they can see; only an admin double-books, on purpose, audited.
const at = (h: number, m = 0) => new Date(Date.UTC(2032, 5, 7, h, m));
const REASON = "Vitest scheduling";

describe("scheduling", () => {
  afterAll(async () => {
    await ownerSql()`delete from appointments where reason = ${REASON}`;
  });

  it("books with the chosen clinician, lists the care team first, and refuses an overlap with a clear message", async () => {
    const { users } = await demoIds();
    const grey = await callerFor("grey", "northside");
    const own = await patientIdByMrn(demoPanel("grey", "northside")[0].mrn);
    const clinicians = await grey.appointments.clinicians({ patientId: own });
    expect(clinicians[0]).toMatchObject({ id: users.grey, me: true, onCareTeam: true });
    const first = await grey.appointments.create({
      patientId: own,
      startsAt: at(9),
      durationMinutes: 30,
      reason: REASON,
      visitType: "consultation",
    });
    expect(first).toMatchObject({ clinicianId: users.grey, visitType: "consultation", doubleBooked: false });
    const err = await grey.appointments
      .create({ patientId: own, startsAt: at(9, 15), durationMinutes: 15, reason: REASON })
      .then(
        () => null,
        (e: { code: string; message: string }) => e,
      );
    expect(err?.code).toBe("CONFLICT");
    expect(err?.message).toMatch(
      /^Dr\. Meredith Grey already has a visit that overlaps 09:15 \S+–09:30 \S+\. Choose another time or another clinician\.$/,
    );
    // Back to back is fine.
    await grey.appointments.create({ patientId: own, startsAt: at(9, 30), durationMinutes: 15, reason: REASON });
  });

  it("refuses an overlap with a visit the booking clinician cannot see (the constraint sees past the policies)", async () => {
    const shepherd = await callerFor("shepherd", "northside");
    const admin = await callerFor("northAdmin", "northside");
    const { users } = await demoIds();
    const shepherdOnly = demoPanel("shepherd", "northside").find(
      (p) => !demoPanel("grey", "northside").some((g) => g.mrn === p.mrn),
    )!;
    const theirs = await patientIdByMrn(shepherdOnly.mrn);
    // Shepherd books grey for shepherd's own patient at 11:00; grey's 09:00 visit is one shepherd cannot see.
    await shepherd.appointments.create({
      patientId: theirs,
      clinicianId: users.grey,
      startsAt: at(11),
      durationMinutes: 30,
      reason: REASON,
    });
    // Grey at 09:10 for shepherd's patient, overlapping grey's 09:00 visit, booked by `by`.
    const overlapping = (by: typeof shepherd, change: Partial<Parameters<typeof by.appointments.create>[0]> = {}) =>
      by.appointments.create({
        patientId: theirs,
        clinicianId: users.grey,
        startsAt: at(9, 10),
        durationMinutes: 10,
        reason: REASON,
        ...change,
      });
    expect(await trpcCode(overlapping(shepherd))).toBe("CONFLICT");
    // Only an admin double-books; it is recorded.
    expect(await trpcCode(overlapping(shepherd, { doubleBook: true }))).toBe("FORBIDDEN");
    const double = await overlapping(admin, { doubleBook: true });
    expect(double.doubleBooked).toBe(true);
    const [row] = await ownerSql()`select action, detail from audit_events where entity_id = ${double.id}`;
    expect(row).toMatchObject({
      action: "appointment.double_book",
      detail: { doubleBooked: true, clinicianId: users.grey },
    });
    // A clinician booking for an admin: refused (not a clinician).
    expect(await trpcCode(overlapping(shepherd, { clinicianId: users.northAdmin, startsAt: at(14) }))).toBe(
      "BAD_REQUEST",
    );
  });

  it("the database refuses an overlapping insert and a double-booked row from a non-admin, whatever the app does", async () => {
    const { users, orgs } = await demoIds();
    const own = await patientIdByMrn(demoPanel("grey", "northside")[0].mrn);
    const e = await pgError(
      ownerSql()`insert into appointments (org_id, patient_id, clinician_id, starts_at, ends_at, reason) values (${orgs.northside}, ${own}, ${users.grey}, ${at(9, 5)}, ${at(9, 20)}, ${REASON})`,
    );
    expect(e.code).toBe("23P01");
    // A cancelled visit frees its slot.
    await ownerSql()`update appointments set status = 'cancelled' where reason = ${REASON} and starts_at = ${at(9)}`;
    await ownerSql()`insert into appointments (org_id, patient_id, clinician_id, starts_at, ends_at, reason) values (${orgs.northside}, ${own}, ${users.grey}, ${at(9, 0)}, ${at(9, 5)}, ${REASON})`;
    const [{ ext }] = await ownerSql()`select count(*)::int as ext from pg_extension where extname = 'btree_gist'`;
    expect(ext).toBe(1);
  });

  it("the schedule lists the clinician's visits of the practice's day", async () => {
    const grey = await callerFor("grey", "northside");
    const today = await grey.appointments.schedule();
    expect(today.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(today.day).toBe(today.today);
    expect(today.visits.every((v) => v.patientName.length > 0)).toBe(true);
  });
});
