import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { networkWrites } from "@/bench/round-trips";
import { audit } from "@/server/audit/record";
import { createDb } from "@/server/db/client";
import { withRlsContext, type RlsContext } from "@/server/db/context";
import { writeBeforeCommit } from "@/server/db/pipeline";
import { auditEvents, patients } from "@/server/db/schema";
import { demoIds, newSession, ownerSql, pgError, runtimeDb, runtimeUrl } from "@/tests/helpers/db";

// The contract of the pipelined transaction under withRlsContext (server/db/pipeline.ts): what it
// saves in round trips, and that saving them costs nothing in what the database keeps.

const greySession = async (): Promise<RlsContext> => {
  const { users, orgs } = await demoIds();
  return { kind: "session", ...(await newSession(users.grey, orgs.northside)) };
};

/** One of Grey's own patients (she may edit it), as it is now. */
async function greysPatient(ctx: RlsContext) {
  const [row] = await withRlsContext(runtimeDb(), ctx, (tx) =>
    tx.select({ id: patients.id, phone: patients.phone }).from(patients).limit(1),
  );
  return row;
}

const auditRows = async (requestId: string) =>
  (await ownerSql()`select count(*)::int as n from audit_events where request_id = ${requestId}`)[0].n as number;

// One connection: every run after the first reuses it, with its statements already prepared.
const db = createDb(runtimeUrl(), { max: 1 });
afterAll(() => db.$client.end());

describe("pipelined transaction", () => {
  it("an audited read transaction makes exactly 2 network writes: [BEGIN, context, query] and [audit row, COMMIT]", async () => {
    const { users, orgs } = await demoIds();
    const grey = await greySession();
    const read = (requestId: string) =>
      withRlsContext(db, grey, async (tx) => {
        const rows = await tx.select({ id: patients.id }).from(patients).limit(5);
        await audit(
          { tx, userId: users.grey, orgId: orgs.northside, requestId },
          { action: "patient.list", detail: { patientIds: rows.map((r) => r.id) } },
        );
        return rows;
      });
    await read(randomUUID()); // connects and prepares
    const requestId = randomUUID();
    let rows: { id: string }[] = [];
    const writes = await networkWrites(Number(new URL(runtimeUrl()).port), async () => {
      rows = await read(requestId);
    });
    expect(writes).toBe(2);
    expect(rows.length).toBeGreaterThan(0);
    expect(await auditRows(requestId)).toBe(1); // the row sent with COMMIT was committed
  });

  it("a failed check on the context's answer rolls back the first statement that was sent with it", async () => {
    const grey = await greySession();
    const mine = await greysPatient(grey);
    let reached = false;
    await expect(
      withRlsContext(runtimeDb(), grey, async (tx, guard) => {
        guard.require((facts) => {
          if (!facts.admin) throw new Error("needs an admin");
        });
        // Runs as Grey (she may edit her own patient), then the check fails: rolled back.
        await tx.update(patients).set({ phone: "555-0001" }).where(eq(patients.id, mine.id)).returning();
        reached = true;
      }),
    ).rejects.toThrow("needs an admin");
    expect(reached).toBe(false);
    const [row] = await ownerSql()`select phone from patients where id = ${mine.id}`;
    expect(row.phone).toBe(mine.phone);
  });

  it("a failed write sent with COMMIT turns the COMMIT into a rollback: the request fails with nothing written", async () => {
    const { users, orgs } = await demoIds();
    const grey = await greySession();
    const mine = await greysPatient(grey);
    const requestId = randomUUID();
    let handlerDone = false;
    const error = await pgError(
      withRlsContext(db, grey, async (tx) => {
        await tx.update(patients).set({ phone: "555-0002" }).where(eq(patients.id, mine.id));
        await audit(
          { tx, userId: users.grey, orgId: orgs.northside, requestId },
          { action: "patient.update", entityId: mine.id, patientId: mine.id, detail: { fields: ["phone"] } },
        );
        // An audit row the table refuses (request_id is NOT NULL), sent without waiting.
        await writeBeforeCommit(
          tx,
          tx.insert(auditEvents).values({
            orgId: orgs.northside,
            actorId: users.grey,
            action: "patient.update",
            entity: "patient",
            requestId: null as unknown as string,
          }),
        );
        handlerDone = true; // the failure is known only at COMMIT
      }),
    );
    expect(handlerDone).toBe(true);
    expect(error.code).toBe("23502");
    const [row] = await ownerSql()`select phone from patients where id = ${mine.id}`;
    expect(row.phone).toBe(mine.phone);
    expect(await auditRows(requestId)).toBe(0); // not even the audit row that was valid
    // The connection went back to the pool out of any transaction: the next request runs normally.
    const again = await withRlsContext(db, grey, (tx) => tx.select({ id: patients.id }).from(patients).limit(1));
    expect(again).toHaveLength(1);
  });
});
