import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createDb } from "@/server/db/client";
import { createCaller } from "@/server/trpc/routers/_app";
import { listGroundTruth, mixedCallers, runtimeUrl, sessionFor } from "@/tests/helpers/db";

describe("concurrency on a small pool", () => {
  it("500 concurrent patients.list calls for mixed users and orgs on 3 connections each get exactly their own patients", async () => {
    const truth = await listGroundTruth();
    const sessions = new Map(
      await Promise.all(mixedCallers.map(async ([u, o]) => [`${u}@${o}`, await sessionFor(u, o)] as const)),
    );

    const db = createDb(runtimeUrl(), { max: 3, applicationName: "concurrency-test" });
    try {
      const results = await Promise.all(
        Array.from({ length: 500 }, async (_, i) => {
          const [u, o] = mixedCallers[i % mixedCallers.length];
          const caller = createCaller({
            session: sessions.get(`${u}@${o}`)!,
            requestId: randomUUID(),
            clientAddress: null,
            db,
          });
          const page = await caller.patients.list({ limit: 100 });
          return { key: `${u}@${o}`, ids: page.items.map((p) => p.id).sort() };
        }),
      );
      const [{ n }] =
        await db.$client`select count(distinct pid)::int as n from pg_stat_activity where application_name = 'concurrency-test' and datname = current_database()`;
      expect(n).toBeLessThanOrEqual(3);
      for (const r of results) expect(r.ids, r.key).toEqual(truth.get(r.key));
      expect(new Set(results.map((r) => r.key)).size).toBe(mixedCallers.length);
    } finally {
      await db.$client.end();
    }
  });
});
