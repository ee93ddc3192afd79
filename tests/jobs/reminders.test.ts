import { afterAll, describe, expect, it } from "vitest";
import { runReminders } from "@/server/jobs/reminders";
import { getAuthDb } from "@/server/db/client";
import { asUser, demoIds, ownerPanel, ownerSql, pgError, runtimeDb } from "@/tests/helpers/db";

describe("per-practice reminders job", () => {
  afterAll(async () => {
    await ownerSql()`delete from appointment_reminders`;
  });

  it("each practice's reminders reference only its own patients, and match tomorrow's appointments", async () => {
    await ownerSql()`delete from appointment_reminders`;
    const { orgs } = await demoIds();
    const results = await runReminders(getAuthDb());
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    for (const org of [orgs.northside, orgs.lakeside]) {
      const [{ expected }] = await ownerSql()`select count(*)::int as expected from appointments
        where org_id = ${org} and status = 'scheduled'
          and starts_at >= date_trunc('day', now() at time zone 'UTC') at time zone 'UTC' + interval '1 day'
          and starts_at < date_trunc('day', now() at time zone 'UTC') at time zone 'UTC' + interval '2 days'`;
      expect(expected).toBeGreaterThan(0);
      expect(results.find((r) => r.orgId === org)!.reminders).toBe(expected);
      const [{ foreign }] =
        await ownerSql()`select count(*)::int as foreign from appointment_reminders r join patients p on p.id = r.patient_id
        where r.org_id = ${org} and p.org_id <> ${org}`;
      expect(foreign).toBe(0);
    }
    // Idempotent: a second run records nothing new.
    expect((await runReminders(getAuthDb())).map((r) => r.reminders)).toEqual([0, 0]);
    // Each admin's blanket read: their own practice's reminders, none of the other's.
    for (const [admin, org] of [
      ["northAdmin", "northside"],
      ["lakeAdmin", "lakeside"],
    ] as const) {
      const seen = await asUser(admin, org, (tx) =>
        tx.execute<{ org_id: string }>("select distinct org_id from appointment_reminders" as never),
      );
      expect(seen.map((r) => r.org_id)).toEqual([orgs[org]]);
    }
    // A clinician's: the reminders of their own panel's patients, though the practice has others.
    const panel = await ownerPanel("grey", "northside");
    const [{ inside, outside }] = await ownerSql()`
      select count(*) filter (where patient_id = any(${panel}::uuid[]))::int as inside,
             count(*) filter (where patient_id <> all(${panel}::uuid[]))::int as outside
        from appointment_reminders where org_id = ${orgs.northside}`;
    expect(outside).toBeGreaterThan(0);
    const greys = await asUser("grey", "northside", (tx) =>
      tx.execute<{ patient_id: string }>("select patient_id from appointment_reminders" as never),
    );
    expect(greys.filter((r) => !panel.includes(r.patient_id))).toEqual([]);
    expect(greys).toHaveLength(inside);
  });

  it("a failing practice is reported and rolled back; the others complete", async () => {
    await ownerSql()`delete from appointment_reminders`;
    const { orgs } = await demoIds();
    const results = await runReminders(getAuthDb(), {
      beforePractice: async (orgId, tx) => {
        if (orgId === orgs.northside) await tx.execute("select 1/0" as never);
      },
    });
    const north = results.find((r) => r.orgId === orgs.northside)!;
    const lake = results.find((r) => r.orgId === orgs.lakeside)!;
    expect(north).toMatchObject({ ok: false, reminders: 0 });
    expect(north.error).toMatch(/division by zero/);
    expect(lake.ok).toBe(true);
    expect(lake.reminders).toBeGreaterThan(0);
    const [{ n }] =
      await ownerSql()`select count(*)::int as n from appointment_reminders where org_id = ${orgs.northside}`;
    expect(n).toBe(0);
  });

  it("practices are listed through the narrow function: ids and the acting admin only", async () => {
    const rows = await getAuthDb().execute<Record<string, unknown>>("select * from app_job_practices()" as never);
    expect(Object.keys(rows[0]).sort()).toEqual(["actor_id", "org_id"]);
    // The runtime role can neither list practices this way nor enter one as a job.
    expect((await pgError(runtimeDb().execute("select * from app_job_practices()" as never))).code).toBe("42501");
    const { orgs } = await demoIds();
    expect((await pgError(runtimeDb().execute(`select app_context_job('${orgs.lakeside}'::uuid)` as never))).code).toBe(
      "42501",
    );
  });
});
