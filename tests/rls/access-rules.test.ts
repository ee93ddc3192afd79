import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Rule } from "@/server/access/explain";
import { listExtras } from "@/server/patients/list-extras";
import { chartAccess } from "@/server/patients/queries";
import type { DemoOrgKey, DemoUserKey } from "@/server/db/seed/demo-data";
import { asUser, callerFor, demoIds, forEachDemoMember, ownerSql } from "@/tests/helpers/db";

// "A running grant" and "an active cover" are defined once in the database (app_grant_running,
// app_cover_active, app_cover_until). For every demo member × patient, the four places that answer
// "why does this member see this patient" agree: the visibility function the policies use, the
// patient list's badge (app_access_bases + its details), the chart banner and the admin's access
// explainer. Besides the demo's own grants and covers, the test adds (as the owner, removed after):
// a cover with a scheduled early end still ahead, a cover ended early in the past, a revoked grant,
// an expired grant and a running one.

const time = (d: Date | null | undefined) => (d ? d.getTime() : null);
const latest = (dates: Date[]) => (dates.length ? Math.max(...dates.map((d) => d.getTime())) : null);

describe("the access rules, defined once, agree everywhere", () => {
  const covers: string[] = [];
  const grants: string[] = [];
  let earlyEnd: Date;
  let greyOwn: string; // on grey's team only
  let shepherdOwn: string; // on shepherd's team only
  let lakeNobody: string; // on no team in Lakeside
  let lakeNobody2: string;

  beforeAll(async () => {
    const { users, orgs } = await demoIds();
    const owner = ownerSql();
    const onlyOn = async (user: DemoUserKey, org: DemoOrgKey) => {
      const [row] = await owner`
        select p.id from patients p
         where p.org_id = ${orgs[org]} and p.archived_at is null
           and exists (select 1 from care_team ct where ct.patient_id = p.id and ct.clinician_id = ${users[user]})
           and not exists (select 1 from care_team ct where ct.patient_id = p.id and ct.clinician_id <> ${users[user]})
         order by p.mrn limit 1`;
      return row.id as string;
    };
    greyOwn = await onlyOn("grey", "northside");
    shepherdOwn = await onlyOn("shepherd", "northside");
    const unassigned = await owner`
      select p.id from patients p where p.org_id = ${orgs.lakeside} and p.archived_at is null
         and not exists (select 1 from care_team ct where ct.patient_id = p.id)
       order by p.mrn limit 2`;
    expect(unassigned).toHaveLength(2);
    [lakeNobody, lakeNobody2] = unassigned.map((r) => r.id as string);

    // Shepherd covers Grey for two days, but the cover is set to end early in an hour: active now,
    // until the early end.
    const [scheduled] = await owner`
      insert into coverage (org_id, covering_id, covered_id, reason, starts_at, ends_at, ended_at, ended_by, created_by)
      values (${orgs.northside}, ${users.shepherd}, ${users.grey}, 'rules test: early end ahead',
              now() - interval '1 hour', now() + interval '2 days', now() + interval '1 hour', ${users.northAdmin}, ${users.northAdmin})
      returning id, ended_at`;
    earlyEnd = new Date(scheduled.ended_at);
    // Grey covered Shepherd, ended early an hour ago: no longer active although ends_at is ahead.
    const [ended] = await owner`
      insert into coverage (org_id, covering_id, covered_id, reason, starts_at, ends_at, ended_at, ended_by, created_by)
      values (${orgs.northside}, ${users.grey}, ${users.shepherd}, 'rules test: ended early',
              now() - interval '2 hours', now() + interval '1 day', now() - interval '1 hour', ${users.northAdmin}, ${users.northAdmin})
      returning id`;
    covers.push(scheduled.id, ended.id);

    const grant = async (user: DemoUserKey, org: DemoOrgKey, patient: string, at: string, revoked: boolean) => {
      const [row] = await owner`
        insert into access_grants (org_id, clinician_id, patient_id, reason, granted_at, expires_at, revoked_at, revoked_by)
        values (${orgs[org]}, ${users[user]}, ${patient}, 'rules test: emergency access',
                now() + ${at}::interval, now() + ${at}::interval + interval '1 hour',
                case when ${revoked}::boolean then now() - interval '1 minute' end,
                case when ${revoked}::boolean then ${users[user]}::uuid end)
        returning id`;
      grants.push(row.id as string);
    };
    await grant("locum", "northside", greyOwn, "-10 minutes", true); // revoked while it ran
    await grant("house", "lakeside", lakeNobody, "-3 hours", false); // expired two hours ago
    await grant("locum", "lakeside", lakeNobody2, "-10 minutes", false); // running
  });

  afterAll(async () => {
    const owner = ownerSql();
    if (grants.length) await owner`delete from access_grants where id = any(${grants}::uuid[])`;
    if (covers.length) await owner`delete from coverage where id = any(${covers}::uuid[])`;
  });

  it("the visibility function, the list badge, the chart banner and the explainer, for every member × patient", async () => {
    const { users } = await demoIds();
    let pairs = 0;
    await forEachDemoMember(async ({ member, org, isAdmin, admin, all }) => {
      const { visible, bases, extras, banners } = await asUser(member, org, async (tx) => {
        const ids = await tx.execute<{ id: string }>(sql`select app_visible_patient_ids() as id`);
        const [b] = await tx.execute<{ b: Record<string, string> }>(
          sql`select app_access_bases(${`{${all.join(",")}}`}::uuid[]) as b`,
        );
        const banners = new Map<string, Awaited<ReturnType<typeof chartAccess>>>();
        for (const id of all) banners.set(id, await chartAccess(tx, id));
        return { visible: new Set(ids.map((r) => r.id)), bases: b.b, extras: await listExtras(tx, all), banners };
      });
      for (const patientId of all) {
        const label = `${member}@${org} × ${patientId}`;
        const clinical = visible.has(patientId);
        const e = await admin.admin.access.explain({ memberId: users[member], patientId });
        const rules = (kind: Rule["kind"]) => e.rules.filter((r) => r.kind === kind);
        const grantRule = rules("break_glass") as Extract<Rule, { kind: "break_glass" }>[];
        const coverRules = rules("coverage") as Extract<Rule, { kind: "coverage" }>[];
        const basis = bases[patientId] ?? null;
        const badge = extras.badges.get(patientId) ?? null;
        const banner = banners.get(patientId)!;

        // The explainer's clinical answer is the visibility function's.
        expect(e.clinical, label).toBe(clinical);
        // The basis names the first rule the explainer finds (care team, then cover, then grant).
        const first = rules("care_team").length
          ? "care_team"
          : coverRules.length
            ? "coverage"
            : grantRule.length
              ? "break_glass"
              : null;
        expect(basis, label).toBe(clinical ? first : isAdmin ? "admin" : null);
        // The list badge: a grant until its expiry, a cover of whom until its (early) end; nothing for the team.
        if (basis === "break_glass") expect(badge, label).toEqual({ via: "break_glass", until: grantRule[0].until });
        else if (basis === "coverage") {
          expect(badge?.via, label).toBe("coverage");
          expect(time(badge?.until), label).toBe(latest(coverRules.map((r) => r.until)));
          expect(coverRules.map((r) => r.coveredName)).toContain(
            (badge as Extract<typeof badge, { via: "coverage" }>).coveredName,
          );
        } else expect(badge, label).toBeNull();
        // The chart banner (shown for patients the member opens): same basis, same grant, same cover.
        if (clinical || isAdmin) expect(banner.via, label).toBe(basis);
        if (clinical) {
          expect(time(banner.grantExpiresAt), label).toBe(latest(grantRule.map((r) => r.until)));
          expect(banner.grantId !== null, label).toBe(grantRule.length > 0);
          expect(time(banner.cover?.until), label).toBe(latest(coverRules.map((r) => r.until)));
        }
        pairs++;
      }
    });
    expect(pairs).toBe(4 * 27 + 3 * 12);
  });

  it("the added cases come out as the rule says", async () => {
    const { users } = await demoIds();
    const north = await callerFor("northAdmin", "northside");
    const lake = await callerFor("lakeAdmin", "lakeside");
    // A cover with its early end still ahead is active, until that early end.
    const shepherd = await north.admin.access.explain({ memberId: users.shepherd, patientId: greyOwn });
    expect(shepherd.rules).toEqual([{ kind: "coverage", coveredName: "Dr. Meredith Grey", until: earlyEnd }]);
    const badge = await asUser("shepherd", "northside", (tx) => listExtras(tx, [greyOwn]));
    expect(badge.badges.get(greyOwn)).toEqual({ via: "coverage", coveredName: "Dr. Meredith Grey", until: earlyEnd });
    // A cover ended early is over, whatever its planned end.
    expect((await north.admin.access.explain({ memberId: users.grey, patientId: shepherdOwn })).clinical).toBe(false);
    // A revoked grant and an expired grant give nothing; a running one does.
    expect((await north.admin.access.explain({ memberId: users.locum, patientId: greyOwn })).denial).toBe(
      "not_on_team",
    );
    expect((await lake.admin.access.explain({ memberId: users.house, patientId: lakeNobody })).denial).toBe(
      "not_on_team",
    );
    const running = await lake.admin.access.explain({ memberId: users.locum, patientId: lakeNobody2 });
    expect(running.rules).toEqual([{ kind: "break_glass", until: expect.any(Date) }]);
    expect(await asUser("locum", "lakeside", (tx) => chartAccess(tx, lakeNobody2))).toMatchObject({
      via: "break_glass",
      grantExpiresAt: running.rules[0].kind === "break_glass" ? running.rules[0].until : null,
    });
  });
});
