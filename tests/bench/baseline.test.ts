import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASELINE_PATH, baselineServer } from "@/bench/baseline";
import { envSchema } from "@/server/env";
import { demoIds, ownerSql, ownerUrl } from "@/tests/helpers/db";

// The bench's hand-written yardstick (bench/baseline.ts): what it computes, and that it lives in
// bench/ only — the app has no route for it and its environment no switch.

let sql: postgres.Sql;
let server: ReturnType<typeof baselineServer>;
let base = "";

beforeAll(async () => {
  sql = postgres(ownerUrl(), { max: 2, onnotice: () => {} });
  server = baselineServer(sql).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await sql.end();
});

/** A clinician's list as the baseline defines it, worked out step by step: ids in name order. */
async function expectedList(clinicianId: string, orgId: string): Promise<string[]> {
  const owner = ownerSql();
  const team = await owner`select patient_id from care_team where clinician_id = ${clinicianId} and org_id = ${orgId}`;
  const grants =
    await owner`select patient_id from access_grants where clinician_id = ${clinicianId} and org_id = ${orgId} and expires_at > now()`;
  const ids = [...new Set([...team, ...grants].map((r) => r.patient_id as string))];
  const rows =
    await owner`select id, family_name, given_name from patients where id = any(${ids}::uuid[]) and org_id = ${orgId} and archived_at is null`;
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return rows
    .map((r) => ({ id: r.id as string, f: r.family_name as string, g: r.given_name as string }))
    .sort((a, b) => cmp(a.f, b.f) || cmp(a.g, b.g) || cmp(a.id, b.id))
    .map((r) => r.id);
}

const get = (query: string) => fetch(`${base}${BASELINE_PATH}?${query}`);

describe("the bench's hand-written baseline", () => {
  it("answers a clinician's care team and unexpired grants in the org, unarchived, by name, up to the limit", async () => {
    const { users, orgs } = await demoIds();
    const want = await expectedList(users.grey, orgs.northside);
    expect(want.length).toBeGreaterThan(3);
    const all = await get(`clinicianId=${users.grey}&orgId=${orgs.northside}&limit=100`);
    expect(all.status).toBe(200);
    const { items } = (await all.json()) as { items: { id: string; org_id: string }[] };
    expect(items.map((p) => p.id)).toEqual(want);
    expect(new Set(items.map((p) => p.org_id))).toEqual(new Set([orgs.northside]));
    const page = (await (await get(`clinicianId=${users.grey}&orgId=${orgs.northside}&limit=3`)).json()) as {
      items: { id: string }[];
    };
    expect(page.items.map((p) => p.id)).toEqual(want.slice(0, 3));
    // Another practice's clinician asked about Northside: nothing (the hand-written WHERE, not RLS).
    const none = (await (await get(`clinicianId=${users.house}&orgId=${orgs.northside}`)).json()) as {
      items: unknown[];
    };
    expect(none.items).toEqual([]);
  });

  it("refuses bad parameters (400) and answers nothing else (404)", async () => {
    const { users, orgs } = await demoIds();
    for (const query of [
      `clinicianId=nope&orgId=${orgs.northside}`,
      `clinicianId=${users.grey}`,
      `clinicianId=${users.grey}&orgId=${orgs.northside}&limit=0`,
      `clinicianId=${users.grey}&orgId=${orgs.northside}&limit=101`,
    ])
      expect((await get(query)).status).toBe(400);
    expect((await fetch(`${base}/api/bench-baseline?clinicianId=${users.grey}&orgId=${orgs.northside}`)).status).toBe(
      404,
    );
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it("is not part of the app: no route, no switch in the production environment", () => {
    expect(existsSync(path.join(process.cwd(), "app", "api", "bench-baseline"))).toBe(false);
    expect(existsSync(path.join(process.cwd(), "server", "bench"))).toBe(false);
    expect(Object.keys(envSchema.shape).filter((name) => /BENCH/.test(name))).toEqual([]);
  });
});
