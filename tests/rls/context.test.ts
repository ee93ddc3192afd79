import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "@/server/db/client";
import { SessionEndedError, withRlsContext, type RlsContext } from "@/server/db/context";
import { patients } from "@/server/db/schema";
import { demoIds, newSession, ownerPanel, ownerSql, runtimeUrl } from "@/tests/helpers/db";

const session = async (userId: string, orgId: string): Promise<RlsContext> => ({
  kind: "session",
  ...(await newSession(userId, orgId)),
});

const TENANT_TABLES = [
  "patients",
  "care_team",
  "appointments",
  "clinical_notes",
  "conditions",
  "allergies",
  "medication_statements",
  "vital_signs",
  "access_grants",
  "audit_events",
  "memberships",
  "users",
  "organizations",
];

async function countAll(run: (q: string) => Promise<{ n: number }[]>) {
  const out: Record<string, number> = {};
  for (const t of TENANT_TABLES) out[t] = (await run(`select count(*)::int as n from ${t}`))[0].n;
  return out;
}
const zeros = Object.fromEntries(TENANT_TABLES.map((t) => [t, 0]));

describe("request context", () => {
  it("with no context at all, every table answers zero rows and no error", async () => {
    const sqlc = (await import("postgres")).default(runtimeUrl(), { max: 1 });
    try {
      expect(await countAll((q) => sqlc.unsafe(q))).toEqual(zeros);
    } finally {
      await sqlc.end();
    }
  });

  it("a pooled connection right after another request's transaction carries nothing over", async () => {
    const db = createDb(runtimeUrl(), { max: 1 }); // one connection: the next statement must reuse it
    const { users, orgs } = await demoIds();
    try {
      const seen = await withRlsContext(db, await session(users.grey, orgs.northside), (tx) =>
        tx.select().from(patients),
      );
      expect(seen.map((p) => p.id).sort()).toEqual(await ownerPanel("grey", "northside"));
      const [pid] = await db.execute<{ pid: number; user_id: string; org_id: string }>(
        sql`select pg_backend_pid() as pid, current_setting('app.user_id', true) as user_id, current_setting('app.org_id', true) as org_id`,
      );
      expect(pid.user_id).toBe(""); // the local value ended with its transaction: '' not NULL
      expect(pid.org_id).toBe("");
      expect(
        await countAll(async (q) => (await db.execute<{ n: number }>(sql.raw(q))) as unknown as { n: number }[]),
      ).toEqual(zeros);
    } finally {
      await db.$client.end();
    }
  });

  it("a session in an org the user is not a member of sees nothing, not even their own memberships' orgs", async () => {
    const { users, orgs } = await demoIds();
    const db = createDb(runtimeUrl(), { max: 1 });
    try {
      const rows = await withRlsContext(db, await session(users.grey, orgs.lakeside), async (tx) => ({
        patients: await tx.select().from(patients),
        org: (await tx.execute<{ org: string | null }>(sql`select app_org_id() as org`))[0].org,
      }));
      expect(rows).toEqual({ patients: [], org: null });
      // A session id that exists nowhere: no identity at all, and the request fails.
      const ghost = withRlsContext(
        db,
        { kind: "session", sessionId: "00000000-0000-4000-8000-000000000000", secret: "x".repeat(43) },
        (tx) => tx.select().from(patients),
      );
      await expect(ghost).rejects.toBeInstanceOf(SessionEndedError);
    } finally {
      await db.$client.end();
    }
  });

  it("a suspended membership cuts access on the next statement, whatever the session says", async () => {
    const { users, orgs } = await demoIds();
    const owner = ownerSql();
    const db = createDb(runtimeUrl(), { max: 1 });
    try {
      const before = await session(users.shepherd, orgs.northside);
      await owner`update memberships set status = 'suspended' where user_id = ${users.shepherd} and org_id = ${orgs.northside}`;
      // The suspension ended that session; a session row that somehow survived reads nothing.
      await expect(withRlsContext(db, before, (tx) => tx.select().from(patients))).rejects.toBeInstanceOf(
        SessionEndedError,
      );
      const rows = await withRlsContext(db, await session(users.shepherd, orgs.northside), (tx) =>
        tx.select().from(patients),
      );
      expect(rows).toEqual([]);
    } finally {
      await owner`update memberships set status = 'active' where user_id = ${users.shepherd} and org_id = ${orgs.northside}`;
      await db.$client.end();
    }
    const again = createDb(runtimeUrl(), { max: 1 });
    const back = await withRlsContext(again, await session(users.shepherd, orgs.northside), (tx) =>
      tx.select().from(patients),
    );
    await again.$client.end();
    expect(back.map((p) => p.id).sort()).toEqual(await ownerPanel("shepherd", "northside"));
  });

  it("set_config is transaction-local: the same values set without a transaction do not persist", async () => {
    const { users, orgs } = await demoIds();
    const sqlc = (await import("postgres")).default(runtimeUrl(), { max: 1 });
    try {
      await sqlc`select set_config('app.user_id', ${users.grey}, true), set_config('app.org_id', ${orgs.northside}, true)`;
      const [{ n }] = await sqlc`select count(*)::int as n from patients`;
      expect(n).toBe(0);
    } finally {
      await sqlc.end();
    }
  });
});
