import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { claimAttempt, THROTTLE } from "@/server/auth/throttle";
import { revokeUserSessions } from "@/server/auth/sessions";
import { SessionEndedError, withRlsContext } from "@/server/db/context";
import { patients, sessions } from "@/server/db/schema";
import { asUser, demoIds, newSessionId, ownerSql, pgError, runtimeDb } from "@/tests/helpers/db";

// The sessions table and the session check in the context statement, as the runtime role.

describe("sessions in the database", () => {
  it("a user reads their own sessions; an admin those of the practice's active members; nobody another practice's", async () => {
    const { users } = await demoIds();
    const greys = await newSessionId(users.grey);
    const houses = await newSessionId(users.house);
    const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
    const seenByGrey = ids(await asUser("grey", "northside", (tx) => tx.select({ id: sessions.id }).from(sessions)));
    expect(seenByGrey).toContain(greys);
    expect(seenByGrey).not.toContain(houses);
    const [{ others }] = await asUser("grey", "northside", (tx) =>
      tx.execute<{ others: number }>(sql`select count(*)::int as others from sessions where user_id <> app_user_id()`),
    );
    expect(others).toBe(0);
    const seenByAdmin = ids(
      await asUser("northAdmin", "northside", (tx) => tx.select({ id: sessions.id }).from(sessions)),
    );
    expect(seenByAdmin).toContain(greys);
    expect(seenByAdmin).not.toContain(houses);
  });

  it("a clinician cannot end another user's session, reopen an ended one, move last_seen_at or delete", async () => {
    const { users } = await demoIds();
    const shepherds = await newSessionId(users.shepherd);
    const ended = await asUser("grey", "northside", (tx) =>
      tx.execute(sql`update sessions set revoked_at = now() where id = ${shepherds} returning id`),
    );
    expect(ended).toHaveLength(0);
    const greys = await newSessionId(users.grey);
    await ownerSql()`update sessions set revoked_at = now() where id = ${greys}`;
    expect(
      (
        await pgError(
          asUser("grey", "northside", (tx) =>
            tx.execute(sql`update sessions set revoked_at = null where id = ${greys}`),
          ),
        )
      ).code,
    ).toBe("42501");
    expect(
      (
        await pgError(
          asUser("grey", "northside", (tx) =>
            tx.execute(sql`update sessions set revoked_at = now() - interval '1 day' where id = ${greys}`),
          ),
        )
      ).code,
    ).toBe("42501");
    expect(
      (
        await pgError(
          asUser("grey", "northside", (tx) =>
            tx.execute(sql`update sessions set last_seen_at = now() where user_id = app_user_id()`),
          ),
        )
      ).code,
    ).toBe("42501");
    expect(
      (
        await pgError(
          asUser("grey", "northside", (tx) => tx.execute(sql`delete from sessions where user_id = app_user_id()`)),
        )
      ).code,
    ).toBe("42501");
    expect(
      (
        await pgError(
          asUser("grey", "northside", (tx) =>
            tx.execute(sql`insert into sessions (user_id) values (${users.shepherd})`),
          ),
        )
      ).code,
    ).toBe("42501");
  });

  it("the context statement: a live session reads; a revoked, unknown or another user's session reads nothing and fails", async () => {
    const { users, orgs } = await demoIds();
    const sid = await newSessionId(users.grey);
    const live = await withRlsContext(
      runtimeDb(),
      { userId: users.grey, orgId: orgs.northside, sessionId: sid },
      (tx) => tx.select().from(patients),
    );
    expect(live.length).toBeGreaterThan(0);
    const shepherds = await newSessionId(users.shepherd);
    const revoked = await newSessionId(users.grey);
    await ownerSql()`update sessions set revoked_at = now() where id = ${revoked}`;
    // The first statement leaves with the context (pipelined), so it runs, but with the empty
    // identity a dead session gets: it changes nothing, and its rows never reach the handler.
    const [before] = await ownerSql()`select count(*)::int as n from patients where phone = '555-0000'`;
    for (const sessionId of [revoked, shepherds, "00000000-0000-4000-8000-000000000000"]) {
      let reached = false;
      await expect(
        withRlsContext(runtimeDb(), { userId: users.grey, orgId: orgs.northside, sessionId }, async (tx) => {
          await tx.update(patients).set({ phone: "555-0000" }).returning();
          reached = true;
        }),
      ).rejects.toBeInstanceOf(SessionEndedError);
      expect(reached).toBe(false);
    }
    const [after] = await ownerSql()`select count(*)::int as n from patients where phone = '555-0000'`;
    expect(after.n).toBe(before.n);
  });

  it("a failed check on the context's answer rolls back the first statement that was sent with it", async () => {
    const { users, orgs } = await demoIds();
    const sid = await newSessionId(users.grey);
    const [mine] = await withRlsContext(
      runtimeDb(),
      { userId: users.grey, orgId: orgs.northside, sessionId: sid },
      (tx) => tx.select({ id: patients.id, phone: patients.phone }).from(patients).limit(1),
    );
    let reached = false;
    await expect(
      withRlsContext(runtimeDb(), { userId: users.grey, orgId: orgs.northside, sessionId: sid }, async (tx, guard) => {
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

  it("activity moves last_seen_at at most once a minute", async () => {
    const { users, orgs } = await demoIds();
    const sid = await newSessionId(users.grey);
    await ownerSql()`update sessions set last_seen_at = now() - interval '30 seconds' where id = ${sid}`;
    const [before] = await ownerSql()`select last_seen_at from sessions where id = ${sid}`;
    await withRlsContext(runtimeDb(), { userId: users.grey, orgId: orgs.northside, sessionId: sid }, async () => {});
    const [same] = await ownerSql()`select last_seen_at from sessions where id = ${sid}`;
    expect(same.last_seen_at).toEqual(before.last_seen_at);
    await ownerSql()`update sessions set last_seen_at = now() - interval '5 minutes' where id = ${sid}`;
    await withRlsContext(runtimeDb(), { userId: users.grey, orgId: orgs.northside, sessionId: sid }, async () => {});
    const [moved] =
      await ownerSql()`select (now() - last_seen_at) < interval '10 seconds' as fresh from sessions where id = ${sid}`;
    expect(moved.fresh).toBe(true);
  });

  it("revokeUserSessions ends every other session of the user and keeps the one named", async () => {
    const { users } = await demoIds();
    await ownerSql()`update sessions set revoked_at = now() where user_id = ${users.locum} and revoked_at is null`;
    const keep = await newSessionId(users.locum);
    await newSessionId(users.locum);
    await newSessionId(users.locum);
    const ended = await withRlsContext(runtimeDb(), { userId: users.locum, orgId: null }, (tx) =>
      revokeUserSessions(tx, users.locum, { except: keep }),
    );
    expect(ended).toBe(2);
    const live = await ownerSql()`select id from sessions where user_id = ${users.locum} and revoked_at is null`;
    expect(live.map((r) => r.id)).toEqual([keep]);
  });

  it("suspending a member ends their sessions (trigger), reactivating does not reopen them", async () => {
    const { users, orgs } = await demoIds();
    const sid = await newSessionId(users.shepherd);
    await ownerSql()`update memberships set status = 'suspended' where user_id = ${users.shepherd} and org_id = ${orgs.northside}`;
    await ownerSql()`update memberships set status = 'active' where user_id = ${users.shepherd} and org_id = ${orgs.northside}`;
    const [row] = await ownerSql()`select revoked_at from sessions where id = ${sid}`;
    expect(row.revoked_at).not.toBeNull();
  });
});

describe("throttle counts first", () => {
  it("50 parallel claims on one key with limit 5: exactly 5 get through", async () => {
    const key = { hash: `test-key-${Date.now()}`, limit: THROTTLE.perAccount };
    const claims = await Promise.all(Array.from({ length: 50 }, () => claimAttempt(runtimeDb(), [key])));
    expect(claims.filter(Boolean)).toHaveLength(THROTTLE.perAccount);
    expect(await claimAttempt(runtimeDb(), [key])).toBeNull();
    // A success forgives: the account key's earlier attempts are cleared with it.
    await claims.find(Boolean)!.forgive();
    const again = await Promise.all(Array.from({ length: 10 }, () => claimAttempt(runtimeDb(), [key])));
    expect(again.filter(Boolean)).toHaveLength(THROTTLE.perAccount);
    await ownerSql()`delete from login_attempts where key_hash = ${key.hash}`;
  });
});
