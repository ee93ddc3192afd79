import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createDb } from "../../server/db/client";
import type { DemoOrgKey, DemoUserKey } from "../../server/db/seed/demo-data";
import { createCaller } from "../../server/trpc/routers/_app";
import { demoIds, ownerPanel, ownerSql, runtimeUrl } from "../helpers/db";

const callers: [DemoUserKey, DemoOrgKey][] = [
  ["grey", "northside"],
  ["shepherd", "northside"],
  ["northAdmin", "northside"],
  ["house", "lakeside"],
  ["lakeAdmin", "lakeside"],
  ["locum", "northside"],
  ["locum", "lakeside"],
];

describe("concurrency on a small pool", () => {
  it("500 concurrent patients.list calls for mixed users and orgs on 3 connections each get exactly their own patients", async () => {
    const { users, orgs } = await demoIds();
    const owner = ownerSql();
    // Ground truth by a hand-written query as the owner.
    const truth = new Map<string, string[]>();
    for (const [u, o] of callers) {
      const ids = u.endsWith("Admin")
        ? (await owner`select id from patients where org_id = ${orgs[o]} and archived_at is null order by id`).map((r) => r.id as string)
        : await ownerPanel(u, o);
      truth.set(`${u}@${o}`, ids);
    }

    const db = createDb(runtimeUrl(), { max: 3, applicationName: "concurrency-test" });
    try {
      const results = await Promise.all(
        Array.from({ length: 500 }, async (_, i) => {
          const [u, o] = callers[i % callers.length];
          const caller = createCaller({ session: { userId: users[u], orgId: orgs[o] }, requestId: randomUUID(), db });
          const page = await caller.patients.list({ limit: 100 });
          return { key: `${u}@${o}`, ids: page.items.map((p) => p.id).sort() };
        }),
      );
      const [{ n }] = await db.$client`select count(distinct pid)::int as n from pg_stat_activity where application_name = 'concurrency-test'`;
      expect(n).toBeLessThanOrEqual(3);
      for (const r of results) expect(r.ids, r.key).toEqual(truth.get(r.key));
      expect(new Set(results.map((r) => r.key)).size).toBe(callers.length);
    } finally {
      await db.$client.end();
    }
  });
});
