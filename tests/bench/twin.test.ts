import { afterAll, describe, expect, it } from "vitest";
import { twinPatientList } from "@/bench/twin";
import type { DemoOrgKey, DemoUserKey } from "@/server/db/seed/demo-data";
import { callerFor, demoIds, ownerSql, patientByMrn } from "@/tests/helpers/db";

// The bench's unguarded twin of patients.list (bench/twin.ts) prices the guard only if it does the
// same work: the same page and total, visits, badges, and an audit row with the same bases.

const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());
const comparable = (items: Record<string, unknown>[]) =>
  items.map((p) => {
    const access = p.access as { via: string; until: unknown; coveredName?: string | null } | null;
    return {
      id: p.id,
      lastVisit: iso(p.lastVisit),
      nextVisit: iso(p.nextVisit),
      access: access && { ...access, until: iso(access.until) },
    };
  });

async function lastListBases(userId: string) {
  const [row] = await ownerSql()`select detail from audit_events
    where actor_id = ${userId} and action = 'patient.list' order by id desc limit 1`;
  return row.detail as { patientIds: string[]; bases: Record<string, string> };
}

describe("the bench's unguarded twin of patients.list", () => {
  afterAll(async () => {
    await ownerSql()`delete from access_grants where reason like 'Vitest twin:%'`;
  });

  it("answers what patients.list answers, and audits the same bases, for care team, cover and grant", async () => {
    const { users, orgs } = await demoIds();
    const stranger = await patientByMrn("DEMO-N-0025"); // on no care team: grey reaches it by a grant
    await (
      await callerFor("grey", "northside")
    ).breakGlass.request({ patientId: stranger.id, reason: "Vitest twin: seen in the waiting room" });
    const callers: [DemoUserKey, DemoOrgKey][] = [
      ["grey", "northside"],
      ["house", "lakeside"],
    ];
    const seen = new Set<string>();
    for (const [user, org] of callers) {
      for (const limit of [3, 100]) {
        const app = await (await callerFor(user, org)).patients.list({ limit });
        const appBases = await lastListBases(users[user]);
        const twin = await twinPatientList(ownerSql(), users[user], orgs[org], limit);
        const twinBases = await lastListBases(users[user]);
        expect(twin.total, `${user} total`).toBe(app.total);
        expect(twin.nextCursor, `${user} cursor`).toBe(app.nextCursor);
        expect(comparable(twin.items)).toEqual(comparable(app.items as never));
        expect(twinBases).toEqual(appBases);
        for (const basis of Object.values(twinBases.bases)) seen.add(basis);
      }
    }
    // Every clinical source of visibility was on a page.
    expect([...seen].sort()).toEqual(["break_glass", "care_team", "coverage"]);
  });
});
