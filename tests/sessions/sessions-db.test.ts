import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { APP_ERRORS } from "@/lib/app-errors";
import { claimAttempt, THROTTLE } from "@/server/auth/throttle";
import { revokeUserSessions } from "@/server/auth/sessions";
import { SessionEndedError, withRlsContext } from "@/server/db/context";
import { patients, sessions } from "@/server/db/schema";
import {
  asUser,
  callerAs,
  callerFor,
  callerWith,
  demoIds,
  newSession,
  ownerSql,
  pgError,
  runtimeDb,
  sessionFor,
  trpcCode,
} from "@/tests/helpers/db";

// The sessions table and the session check in the context statement, as the runtime role.

describe("sessions in the database", () => {
  it("a user reads their own sessions; an admin those of the practice's active members; nobody another practice's", async () => {
    const { users, orgs } = await demoIds();
    const greys = (await newSession(users.grey, orgs.northside)).sessionId;
    const houses = (await newSession(users.house, orgs.lakeside)).sessionId;
    // Locum's session in Lakeside: Northside's admin does not see it, though locum is a Northside member.
    const locumsElsewhere = (await newSession(users.locum, orgs.lakeside)).sessionId;
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
    expect(seenByAdmin).not.toContain(locumsElsewhere);
  });

  it("a clinician cannot end another user's session, reopen an ended one, move last_seen_at or delete", async () => {
    const { users, orgs } = await demoIds();
    const shepherds = (await newSession(users.shepherd, orgs.northside)).sessionId;
    const ended = await asUser("grey", "northside", (tx) =>
      tx.execute(sql`update sessions set revoked_at = now() where id = ${shepherds} returning id`),
    );
    expect(ended).toHaveLength(0);
    // A blanket end (no WHERE, no column read, so no SELECT policy joins in) reaches only the caller's own
    // sessions. A fresh member's, so none of them is already ended (the trigger would refuse that).
    const [member] = await ownerSql()`
      insert into users (email, name, password_hash) values (${`blanket-${randomUUID()}@northside.test`}, 'Blanket Ender', 'x')
      returning id`;
    await ownerSql()`insert into memberships (user_id, org_id, role) values (${member.id}, ${orgs.northside}, 'clinician')`;
    try {
      const key = await newSession(member.id, orgs.northside);
      const ended = await withRlsContext(runtimeDb(), { kind: "session", ...key }, async (tx) =>
        tx.execute(sql`update sessions set revoked_at = now()`),
      );
      expect(ended.count).toBe(1);
    } finally {
      await ownerSql()`delete from memberships where user_id = ${member.id}`;
    }
    // The only change a session takes is being ended: writing a live one's revoked_at "back" to empty is refused.
    const live = (await newSession(users.grey, orgs.northside)).sessionId;
    expect(
      (
        await pgError(
          asUser("grey", "northside", (tx) =>
            tx.execute(sql`update sessions set revoked_at = null where id = ${live}`),
          ),
        )
      ).message,
    ).toMatch(/new row violates row-level security policy/);
    const greys = (await newSession(users.grey, orgs.northside)).sessionId;
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
          asUser("grey", "northside", (tx) => tx.execute(sql`insert into sessions (user_id) values (app_user_id())`)),
        )
      ).code,
    ).toBe("42501");
  });

  it("an admin ends an active member's session by the update policy alone; another practice's user's, none", async () => {
    const { users, orgs } = await demoIds();
    const greys = (await newSession(users.grey, orgs.northside)).sessionId;
    const houses = (await newSession(users.house, orgs.lakeside)).sessionId;
    const end = (id: string) =>
      asUser("northAdmin", "northside", (tx) =>
        tx.execute(sql`update sessions set revoked_at = now() where id = ${id} returning id`),
      );
    expect(await end(greys)).toHaveLength(1);
    expect(await end(houses)).toHaveLength(0);
    const [house] = await ownerSql()`select revoked_at from sessions where id = ${houses}`;
    expect(house.revoked_at).toBeNull();
  });

  it("the context statement: a live session reads; a revoked, unknown or another user's session, or a wrong secret, reads nothing and fails", async () => {
    const { users, orgs } = await demoIds();
    const grey = await newSession(users.grey, orgs.northside);
    const live = await withRlsContext(runtimeDb(), { kind: "session", ...grey }, (tx) => tx.select().from(patients));
    expect(live.length).toBeGreaterThan(0);
    const shepherds = await newSession(users.shepherd, orgs.northside);
    const revoked = await newSession(users.grey, orgs.northside);
    await ownerSql()`update sessions set revoked_at = now() where id = ${revoked.sessionId}`;
    // The first statement leaves with the context (pipelined), so it runs, but with the empty
    // identity a dead session gets: it changes nothing, and its rows never reach the handler.
    const [before] = await ownerSql()`select count(*)::int as n from patients where phone = '555-0000'`;
    for (const key of [
      revoked,
      { sessionId: grey.sessionId, secret: shepherds.secret },
      { sessionId: grey.sessionId, secret: `${grey.secret.slice(0, -1)}x` },
      { sessionId: "00000000-0000-4000-8000-000000000000", secret: grey.secret },
    ]) {
      let reached = false;
      await expect(
        withRlsContext(runtimeDb(), { kind: "session", ...key }, async (tx) => {
          await tx.update(patients).set({ phone: "555-0000" }).returning();
          reached = true;
        }),
      ).rejects.toBeInstanceOf(SessionEndedError);
      expect(reached).toBe(false);
    }
    const [after] = await ownerSql()`select count(*)::int as n from patients where phone = '555-0000'`;
    expect(after.n).toBe(before.n);
  });

  it("activity moves last_seen_at at most once a minute", async () => {
    const { users, orgs } = await demoIds();
    const key = await newSession(users.grey, orgs.northside);
    const grey = { kind: "session" as const, ...key };
    const sid = key.sessionId;
    await ownerSql()`update sessions set last_seen_at = now() - interval '30 seconds' where id = ${sid}`;
    const [before] = await ownerSql()`select last_seen_at from sessions where id = ${sid}`;
    await withRlsContext(runtimeDb(), grey, async () => {});
    const [same] = await ownerSql()`select last_seen_at from sessions where id = ${sid}`;
    expect(same.last_seen_at).toEqual(before.last_seen_at);
    await ownerSql()`update sessions set last_seen_at = now() - interval '5 minutes' where id = ${sid}`;
    await withRlsContext(runtimeDb(), grey, async () => {});
    const [moved] =
      await ownerSql()`select (now() - last_seen_at) < interval '10 seconds' as fresh from sessions where id = ${sid}`;
    expect(moved.fresh).toBe(true);
  });

  it("revokeUserSessions ends every other session of the user and keeps the one named", async () => {
    const { users, orgs } = await demoIds();
    await ownerSql()`update sessions set revoked_at = now() where user_id = ${users.locum} and revoked_at is null`;
    const keep = await newSession(users.locum, orgs.northside);
    await newSession(users.locum, orgs.northside);
    await newSession(users.locum, orgs.lakeside);
    const ended = await withRlsContext(runtimeDb(), { kind: "session", ...keep }, (tx) =>
      revokeUserSessions(tx, users.locum, { except: keep.sessionId }),
    );
    expect(ended).toBe(2);
    const live = await ownerSql()`select id from sessions where user_id = ${users.locum} and revoked_at is null`;
    expect(live.map((r) => r.id)).toEqual([keep.sessionId]);
  });

  it("suspending a member ends their sessions in that practice only (trigger); elsewhere they go on, barred from it", async () => {
    const { users, orgs } = await demoIds();
    const here = await newSession(users.locum, orgs.northside);
    const there = await newSession(users.locum, orgs.lakeside);
    await ownerSql()`update memberships set status = 'suspended' where user_id = ${users.locum} and org_id = ${orgs.northside}`;
    await ownerSql()`update memberships set status = 'active' where user_id = ${users.locum} and org_id = ${orgs.northside}`;
    const rows =
      await ownerSql()`select id, revoked_at, barred_orgs from sessions where id in (${here.sessionId}, ${there.sessionId})`;
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(here.sessionId)!.revoked_at).not.toBeNull();
    expect(byId.get(there.sessionId)!.revoked_at).toBeNull();
    expect(byId.get(there.sessionId)!.barred_orgs).toEqual([orgs.northside]);
    // Reactivated, the Lakeside session still cannot come back to Northside without a new sign-in.
    const [switched] = await withRlsContext(runtimeDb(), { kind: "session", ...there }, (tx) =>
      tx.execute<{ outcome: string }>(
        sql`select app_session_switch_org(${there.sessionId}::uuid, ${there.secret}, ${orgs.northside}::uuid) as outcome`,
      ),
    );
    expect(switched.outcome).toBe("step_up");
  });
});

describe("a session counts where its sign-in counts", () => {
  it("an SSO session of Northside never reaches Lakeside: switching asks for Lakeside's own sign-in, a forged token is refused", async () => {
    const { users, orgs } = await demoIds();
    const key = await newSession(users.locum, orgs.northside, { methods: [], ssoOrgId: orgs.northside });
    const sso = { userId: users.locum, orgId: orgs.northside, ...key };
    expect((await callerWith(sso).patients.list({})).items.length).toBeGreaterThan(0);
    // The switch is refused with the step-up message, and the session stays in Northside.
    await expect(callerWith(sso).me.switchOrg({ orgId: orgs.lakeside })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: APP_ERRORS.STEP_UP_REQUIRED.message,
    });
    const [row] = await ownerSql()`select org_id from sessions where id = ${key.sessionId}`;
    expect(row.org_id).toBe(orgs.northside);
    // A token claiming Lakeside (a forged cookie update) reads nothing there.
    const forged = callerWith({ ...sso, orgId: orgs.lakeside });
    expect(await trpcCode(forged.patients.list({}))).toBe("FORBIDDEN");
    expect(await trpcCode(forged.me.get())).toBe("FORBIDDEN");
    // The database alone, as the runtime role: the session's identity is Northside's, whatever was asked.
    const seen = await withRlsContext(runtimeDb(), { kind: "session", ...key }, async (tx) =>
      tx.execute<{ org: string }>(sql`select app_org_id() as org`),
    );
    expect(seen[0].org).toBe(orgs.northside);
    // A password session (Lakeside's rule: password + its two-factor policy) switches.
    const password = { userId: users.locum, orgId: orgs.northside, ...(await newSession(users.locum, orgs.northside)) };
    expect((await callerWith(password).me.switchOrg({ orgId: orgs.lakeside })).slug).toBe("lakeside");
  });
});

describe("an admin's session actions stay in their practice", () => {
  it("Northside's admin sees and ends locum's Northside sessions only; locum's Lakeside work goes on", async () => {
    const { users, orgs } = await demoIds();
    const north = { userId: users.locum, orgId: orgs.northside, ...(await newSession(users.locum, orgs.northside)) };
    const lake = { userId: users.locum, orgId: orgs.lakeside, ...(await newSession(users.locum, orgs.lakeside)) };
    const admin = await callerFor("northAdmin", "northside");
    const listed = (await admin.admin.members.sessions({ userId: users.locum })).map((s) => s.id);
    expect(listed).toContain(north.sessionId);
    expect(listed).not.toContain(lake.sessionId);
    await admin.admin.members.signOutEverywhere({ userId: users.locum });
    expect(await trpcCode(callerWith(north).patients.list({}))).toBe("UNAUTHORIZED");
    expect((await callerWith(lake).patients.list({})).items.length).toBeGreaterThan(0);
    // ...but that Lakeside session cannot come back into Northside without a new sign-in.
    await expect(callerWith(lake).me.switchOrg({ orgId: orgs.northside })).rejects.toMatchObject({
      message: APP_ERRORS.STEP_UP_REQUIRED.message,
    });
    // Lakeside's admin cannot end them from there either way round.
    expect(
      await trpcCode(
        (await callerFor("lakeAdmin", "lakeside")).admin.members.signOutEverywhere({ userId: users.grey }),
      ),
    ).toBe("NOT_FOUND");
  });
});

describe("an ended session's request", () => {
  it("writes nothing at all, not even a rolled-back throttle row (the directory waits for the verdict)", async () => {
    const { users, orgs } = await demoIds();
    const session = await sessionFor("grey", "northside");
    await ownerSql()`update sessions set revoked_at = now() where id = ${session.sessionId}`;
    const seq = async () =>
      (await ownerSql()`select last_value || ' ' || is_called as v from login_attempts_id_seq`)[0].v;
    const before = await seq();
    expect(await trpcCode(callerWith(session).breakGlass.directory({ search: "Applegate" }))).toBe("UNAUTHORIZED");
    expect(await seq()).toBe(before);
    // A live session's search does count (the check above can fail).
    await (await callerAs(users.grey, orgs.northside)).breakGlass.directory({ search: "Applegate" });
    expect(await seq()).not.toBe(before);
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
