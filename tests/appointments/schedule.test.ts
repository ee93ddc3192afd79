import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoPanel } from "@/server/db/seed/demo-data";
import { callerFor, demoIds, ownerSql, patientIdByMrn, trpcCode } from "@/tests/helpers/db";

// The schedule's days are the practice's days in its zone: a day across a DST change is 23 or 25
// hours, and a visit at 23:30 local belongs to that day whatever its UTC date. A clinician sees
// their own visits, an admin every clinician's, and no practice another's.
const REASON = "Vitest schedule";
const ZONE = "America/New_York";
const utc = (iso: string) => new Date(iso);

describe("schedule", () => {
  let previousZone: string | null = null;
  const booked = new Map<string, string>();

  beforeAll(async () => {
    const { orgs } = await demoIds();
    const [row] = await ownerSql()`select time_zone from organizations where id = ${orgs.northside}`;
    previousZone = row.time_zone;
    await ownerSql()`update organizations set time_zone = ${ZONE} where id = ${orgs.northside}`;
    const grey = await callerFor("grey", "northside");
    const patientId = await patientIdByMrn(demoPanel("grey", "northside")[0].mrn);
    const visits = {
      // Spring forward, Sunday 14 Mar 2032: 05:00Z (00:00 EST) to 04:00Z next day (00:00 EDT).
      beforeSpring: "2032-03-14T04:30:00Z", // 23:30 EST, Sat 13 Mar
      springMidnight: "2032-03-14T05:00:00Z", // 00:00 EST, Sun 14 Mar
      springLate: "2032-03-15T03:30:00Z", // 23:30 EDT, Sun 14 Mar
      springNext: "2032-03-15T04:00:00Z", // 00:00 EDT, Mon 15 Mar
      // Fall back, Sunday 7 Nov 2032: 04:00Z (00:00 EDT) to 05:00Z next day (00:00 EST).
      beforeFall: "2032-11-07T03:30:00Z", // 23:30 EDT, Sat 6 Nov
      fallMidnight: "2032-11-07T04:00:00Z", // 00:00 EDT, Sun 7 Nov
      fallLate: "2032-11-08T04:30:00Z", // 23:30 EST, Sun 7 Nov
      fallNext: "2032-11-08T05:00:00Z", // 00:00 EST, Mon 8 Nov
    };
    for (const [name, at] of Object.entries(visits)) {
      const row = await grey.appointments.create({ patientId, startsAt: utc(at), durationMinutes: 15, reason: REASON });
      booked.set(name, row.id);
    }
  });

  afterAll(async () => {
    const { orgs } = await demoIds();
    await ownerSql()`delete from appointments where reason = ${REASON}`;
    await ownerSql()`update organizations set time_zone = ${previousZone} where id = ${orgs.northside}`;
  });

  const ids = (s: { visits: { id: string; reason: string }[] }) =>
    s.visits.filter((v) => v.reason === REASON).map((v) => v.id);
  const named = (...names: string[]) => names.map((n) => booked.get(n));

  it("a spring-forward day holds its own 23 hours, from local midnight to local midnight", async () => {
    const grey = await callerFor("grey", "northside");
    const day = await grey.appointments.schedule({ date: "2032-03-14", view: "day" });
    expect(day.timeZone).toBe(ZONE);
    expect(day.days).toEqual(["2032-03-14"]);
    expect(ids(day)).toEqual(named("springMidnight", "springLate"));
    expect(day.visits.filter((v) => v.reason === REASON).every((v) => v.day === "2032-03-14")).toBe(true);
    expect(ids(await grey.appointments.schedule({ date: "2032-03-13", view: "day" }))).toEqual(named("beforeSpring"));
    expect(ids(await grey.appointments.schedule({ date: "2032-03-15", view: "day" }))).toEqual(named("springNext"));
  });

  it("a fall-back day holds its own 25 hours", async () => {
    const grey = await callerFor("grey", "northside");
    expect(ids(await grey.appointments.schedule({ date: "2032-11-07", view: "day" }))).toEqual(
      named("fallMidnight", "fallLate"),
    );
    expect(ids(await grey.appointments.schedule({ date: "2032-11-06", view: "day" }))).toEqual(named("beforeFall"));
    expect(ids(await grey.appointments.schedule({ date: "2032-11-08", view: "day" }))).toEqual(named("fallNext"));
  });

  it("a week runs Monday to Sunday in the practice's zone, across the change", async () => {
    const grey = await callerFor("grey", "northside");
    const week = await grey.appointments.schedule({ date: "2032-03-10", view: "week" });
    expect(week.days).toEqual([
      "2032-03-08",
      "2032-03-09",
      "2032-03-10",
      "2032-03-11",
      "2032-03-12",
      "2032-03-13",
      "2032-03-14",
    ]);
    expect(ids(week)).toEqual(named("beforeSpring", "springMidnight", "springLate"));
    const next = await grey.appointments.schedule({ date: "2032-03-15", view: "week" });
    expect(next.days[0]).toBe("2032-03-15");
    expect(ids(next)).toEqual(named("springNext"));
    const fall = await grey.appointments.schedule({ date: "2032-11-07", view: "week" });
    expect(fall.days[0]).toBe("2032-11-01");
    expect(ids(fall)).toEqual(named("beforeFall", "fallMidnight", "fallLate"));
  });

  it("a clinician sees their own visits; an admin every clinician's side by side; no practice another's", async () => {
    const { users } = await demoIds();
    const shepherd = await callerFor("shepherd", "northside");
    const shepherdOnly = demoPanel("shepherd", "northside").find(
      (p) => !demoPanel("grey", "northside").some((g) => g.mrn === p.mrn),
    )!;
    const theirs = await shepherd.appointments.create({
      patientId: await patientIdByMrn(shepherdOnly.mrn),
      startsAt: utc("2032-03-14T16:00:00Z"),
      durationMinutes: 30,
      reason: REASON,
    });
    const grey = await callerFor("grey", "northside");
    const greyDay = await grey.appointments.schedule({ date: "2032-03-14" });
    expect(ids(greyDay)).not.toContain(theirs.id);
    expect(greyDay.clinicians.map((c) => c.id)).toEqual([users.grey]);

    const admin = await callerFor("northAdmin", "northside");
    const adminDay = await admin.appointments.schedule({ date: "2032-03-14" });
    expect(ids(adminDay)).toEqual([...named("springMidnight"), theirs.id, ...named("springLate")]);
    expect(adminDay.clinicians.map((c) => c.id)).toEqual(expect.arrayContaining([users.grey, users.shepherd]));
    expect(adminDay.clinicians.map((c) => c.id)).not.toContain(users.northAdmin);

    for (const [user, org] of [
      ["lakeAdmin", "lakeside"],
      ["house", "lakeside"],
    ] as const) {
      const other = await callerFor(user, org);
      const week = await other.appointments.schedule({ date: "2032-03-14", view: "week" });
      expect(ids(week)).toEqual([]);
      expect(week.clinicians.map((c) => c.id)).not.toContain(users.grey);
    }
  });

  it("audits what it showed and refuses a date that is not one", async () => {
    const { users } = await demoIds();
    const grey = await callerFor("grey", "northside");
    await grey.appointments.schedule({ date: "2032-11-07" });
    const [row] = await ownerSql()`
      select detail from audit_events where actor_id = ${users.grey} and action = 'appointment.schedule'
       order by at desc limit 1`;
    expect(row.detail).toMatchObject({ from: "2032-11-07", to: "2032-11-08" });
    expect(row.detail.patientIds).toEqual([await patientIdByMrn(demoPanel("grey", "northside")[0].mrn)]);
    // The app's own date format is a date too.
    expect((await grey.appointments.schedule({ date: "7 Nov 2032" })).days).toEqual(["2032-11-07"]);
    for (const date of ["2032-02-30", "31 Feb 2032", "tomorrow"]) {
      expect(await trpcCode(grey.appointments.schedule({ date }))).toBe("BAD_REQUEST");
    }
    expect(await trpcCode(grey.appointments.schedule({ view: "month" as "week" }))).toBe("BAD_REQUEST");
  });
});
