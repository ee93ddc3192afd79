import { sql } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticate } from "@/server/auth/credentials";
import { decryptSecret, totpPurpose } from "@/server/auth/mfa-crypto";
import { SECOND_FACTOR_THROTTLE } from "@/server/auth/throttle";
import { DEMO_TOTP_SECRET } from "@/server/db/seed/demo-data";
import {
  asUser,
  callerAs,
  callerFor,
  demoIds,
  newSession,
  ownerSql,
  pgError,
  runtimeDb,
  trpcCode,
} from "@/tests/helpers/db";

const totp = (secret = DEMO_TOTP_SECRET) =>
  new TOTP({ secret: Secret.fromBase32(secret), period: 30, digits: 6, algorithm: "SHA1" });
const RLS_REFUSED = /new row violates row-level security policy/;
/** The code of the time step `offset` steps from now (the server accepts ±1). */
const codeAt = (offset: number, secret = DEMO_TOTP_SECRET) =>
  totp(secret).generate({ timestamp: Date.now() + offset * 30_000 });
const sessionCount = async (userId: string) =>
  Number((await ownerSql()`select count(*)::int as n from sessions where user_id = ${userId}`)[0].n);
const PASSWORD = "demo-password";

describe("two-factor sign-in (attacker's view)", () => {
  afterAll(async () => {
    await ownerSql()`delete from login_attempts`;
  });

  it("demo accounts are enrolled with the documented secret, stored only encrypted", async () => {
    const { users } = await demoIds();
    const [row] = await ownerSql()`select secret_enc, confirmed_at from user_mfa where user_id = ${users.northAdmin}`;
    expect(row.confirmed_at).not.toBeNull();
    expect(row.secret_enc).not.toContain(DEMO_TOTP_SECRET);
    expect(decryptSecret(row.secret_enc, totpPurpose(users.northAdmin))).toBe(DEMO_TOTP_SECRET);
    // Bound to its user: another user's purpose cannot open it.
    expect(() => decryptSecret(row.secret_enc, totpPurpose(users.grey))).toThrow();
  });

  it("the password step alone gives no session: a missing or wrong code is refused before any sessions row exists", async () => {
    const { users } = await demoIds();
    const before = await sessionCount(users.lakeAdmin);
    expect(await authenticate(runtimeDb(), { email: "admin@lakeside.test", password: PASSWORD })).toEqual({
      ok: false,
      reason: "totp_required",
    });
    expect(
      await authenticate(runtimeDb(), {
        email: "admin@lakeside.test",
        password: PASSWORD,
        totp: "000000" === codeAt(0) ? "111111" : "000000",
      }),
    ).toEqual({
      ok: false,
      reason: "totp_invalid",
    });
    expect(await sessionCount(users.lakeAdmin)).toBe(before);
  });

  it("a replayed TOTP code is refused (the last used time step is stored)", async () => {
    const code = codeAt(0);
    const first = await authenticate(runtimeDb(), { email: "admin@lakeside.test", password: PASSWORD, totp: code });
    expect(first).toMatchObject({ ok: true, method: "totp" });
    expect(await authenticate(runtimeDb(), { email: "admin@lakeside.test", password: PASSWORD, totp: code })).toEqual({
      ok: false,
      reason: "totp_invalid",
    });
    // An older step (the previous code) is refused too, even inside the ±1 window.
    expect(
      await authenticate(runtimeDb(), { email: "admin@lakeside.test", password: PASSWORD, totp: codeAt(-1) }),
    ).toEqual({ ok: false, reason: "totp_invalid" });
  });

  it("20 wrong codes lock the second step, even for the right code", async () => {
    const { users } = await demoIds();
    const wrong = (i: number) => String((Number(codeAt(0)) + 1 + i) % 1_000_000).padStart(6, "0");
    for (let i = 0; i < SECOND_FACTOR_THROTTLE.perAccount; i++) {
      expect(
        (await authenticate(runtimeDb(), { email: "house@lakeside.test", password: PASSWORD, totp: wrong(i) })).ok,
      ).toBe(false);
    }
    expect(
      await authenticate(runtimeDb(), { email: "house@lakeside.test", password: PASSWORD, totp: codeAt(1) }),
    ).toEqual({ ok: false, reason: "totp_locked" });
    const [{ step }] = await ownerSql()`select last_step::int as step from user_mfa where user_id = ${users.house}`;
    expect(step).toBe(0); // the right code was never even checked
    await ownerSql()`delete from login_attempts`;
  });

  it("a recovery code works once instead of a code", async () => {
    const { users, orgs } = await demoIds();
    // grey (clinician, policy "admins"): enrolled by the seed; give grey recovery codes through the API.
    const grey = await callerAs(users.grey, orgs.northside);
    const { recoveryCodes } = await grey.me.twoFactor.regenerateRecoveryCodes();
    expect(recoveryCodes).toHaveLength(10);
    const stored = await ownerSql()`select code_hash from mfa_recovery_codes where user_id = ${users.grey}`;
    expect(stored.map((r) => r.code_hash)).not.toContain(recoveryCodes[0]);
    expect(
      await authenticate(runtimeDb(), { email: "grey@northside.test", password: PASSWORD, totp: recoveryCodes[0] }),
    ).toMatchObject({ ok: true, method: "recovery_code" });
    expect(
      await authenticate(runtimeDb(), { email: "grey@northside.test", password: PASSWORD, totp: recoveryCodes[0] }),
    ).toEqual({ ok: false, reason: "totp_invalid" });
  });

  it("new recovery codes replace the old ones: an old code no longer signs in", async () => {
    const { users, orgs } = await demoIds();
    const grey = await callerAs(users.grey, orgs.northside);
    const old = (await grey.me.twoFactor.regenerateRecoveryCodes()).recoveryCodes;
    await grey.me.twoFactor.regenerateRecoveryCodes();
    const [{ n }] = await ownerSql()`select count(*)::int as n from mfa_recovery_codes where user_id = ${users.grey}`;
    expect(n).toBe(10);
    expect(await authenticate(runtimeDb(), { email: "grey@northside.test", password: PASSWORD, totp: old[0] })).toEqual(
      { ok: false, reason: "totp_invalid" },
    );
  });

  it("a spent recovery code stays spent when it was spent", async () => {
    const { users, orgs } = await demoIds();
    const grey = await callerAs(users.grey, orgs.northside);
    const [code] = (await grey.me.twoFactor.regenerateRecoveryCodes()).recoveryCodes;
    expect(
      await authenticate(runtimeDb(), { email: "grey@northside.test", password: PASSWORD, totp: code }),
    ).toMatchObject({ ok: true, method: "recovery_code" });
    const respent = await asUser("grey", "northside", (tx) =>
      tx.execute(sql`update mfa_recovery_codes set used_at = now() + interval '1 day' where used_at is not null`),
    );
    expect(respent.count).toBe(0);
    // The only change a code takes is being spent: writing an unspent one's used_at back to empty is refused.
    const unspent = await pgError(
      asUser("grey", "northside", (tx) => tx.execute(sql`update mfa_recovery_codes set used_at = null`)),
    );
    expect(unspent.message).toMatch(RLS_REFUSED);
    // A blanket spend or delete (no WHERE, no column read) reaches only grey's own codes, never a
    // colleague's (a blind spend of theirs would be refused outright, not skipped).
    const [probe] = await ownerSql()`
      insert into mfa_recovery_codes (user_id, code_hash) values (${users.shepherd}, 'vitest-colleague') returning id`;
    try {
      const wiped = await asUser("grey", "northside", async (tx) => {
        const [{ own, unused }] = await tx.execute<{ own: number; unused: number }>(
          sql`select count(*)::int as own, (count(*) filter (where used_at is null))::int as unused from mfa_recovery_codes`,
        );
        const spent = (await tx.execute(sql`update mfa_recovery_codes set used_at = now()`)).count;
        return { own, unused, spent, deleted: (await tx.execute(sql`delete from mfa_recovery_codes`)).count };
      });
      expect(wiped.unused).toBeGreaterThan(0);
      expect(wiped.spent).toBe(wiped.unused);
      expect(wiped.deleted).toBe(wiped.own);
    } finally {
      await ownerSql()`delete from mfa_recovery_codes where id = ${probe.id}`;
    }
  });

  it("nobody plants a factor or a recovery code for someone else, steps their own back, nor reads another practice's members' codes", async () => {
    const { users } = await demoIds();
    for (const plant of [
      sql`insert into user_mfa (user_id, secret_enc) values (${users.shepherd}, 'planted')`,
      sql`insert into mfa_recovery_codes (user_id, code_hash) values (${users.shepherd}, 'planted')`,
    ]) {
      const planted = await pgError(asUser("grey", "northside", (tx) => tx.execute(plant)));
      expect(planted.message).toMatch(RLS_REFUSED);
    }
    // A blanket step forward (no WHERE, no column read) moves grey's own factor only (asUser rolls back).
    const stepped = await asUser("grey", "northside", (tx) =>
      tx.execute(sql`update user_mfa set last_step = 2147483647`),
    );
    expect(stepped.count).toBe(1);
    // Nor steps back (a spent code would count again), nor unconfirms a factor to delete it without a
    // recovery code: the factor only moves forward.
    const back = await pgError(
      asUser("grey", "northside", async (tx) => {
        await tx.execute(sql`update user_mfa set last_step = 2147483646`);
        await tx.execute(sql`update user_mfa set last_step = 2147483645`);
      }),
    );
    expect(back.message).toBe("a second factor only moves forward");
    const unconfirmed = await pgError(
      asUser("grey", "northside", (tx) => tx.execute(sql`update user_mfa set confirmed_at = null`)),
    );
    expect(unconfirmed.message).toBe("a second factor only moves forward");
    const [probe] = await ownerSql()`
      insert into mfa_recovery_codes (user_id, code_hash) values (${users.house}, 'vitest-other-practice') returning id`;
    try {
      const seen = await asUser("northAdmin", "northside", (tx) =>
        tx.execute(sql`select id from mfa_recovery_codes where user_id = ${users.house}`),
      );
      expect(seen).toHaveLength(0);
      const byTheirAdmin = await asUser("lakeAdmin", "lakeside", (tx) =>
        tx.execute(sql`select id from mfa_recovery_codes where user_id = ${users.house}`),
      );
      expect(byTheirAdmin).toHaveLength(1);
    } finally {
      await ownerSql()`delete from mfa_recovery_codes where id = ${probe.id}`;
    }
  });
});

describe("practice policy and the enrollment gate", () => {
  let newAdmin: string;
  beforeAll(async () => {
    const { orgs } = await demoIds();
    const [u] =
      await ownerSql()`insert into users (email, name, password_hash) values ('unenrolled-admin@northside.test', 'Unenrolled Admin', 'x') returning id`;
    newAdmin = u.id;
    await ownerSql()`insert into memberships (user_id, org_id, role) values (${newAdmin}, ${orgs.northside}, 'admin')`;
  });
  afterAll(async () => {
    // Leaves the demo practice's member list as the other test files expect it.
    await ownerSql()`delete from memberships where user_id = ${newAdmin}`;
    await ownerSql()`delete from login_attempts`;
  });

  it("an unenrolled admin (policy admins) reaches only me.get and enrollment: patients.list is FORBIDDEN until done", async () => {
    const { orgs } = await demoIds();
    const caller = await callerAs(newAdmin, orgs.northside);
    expect(await trpcCode(caller.patients.list({}))).toBe("FORBIDDEN");
    expect(await trpcCode(caller.admin.members.list())).toBe("FORBIDDEN");
    expect(await trpcCode(caller.me.sessions())).toBe("FORBIDDEN");
    const me = await caller.me.get();
    expect(me.twoFactor).toMatchObject({ enrollmentRequired: true, enrolled: false, policy: "admins" });

    const started = await caller.me.twoFactor.begin();
    expect(started.qrDataUrl).toMatch(/^data:image\/svg\+xml;base64,/);
    await expect(
      caller.me.twoFactor.confirm({ code: "000000" === codeAt(0, started.secret) ? "111111" : "000000" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const { recoveryCodes } = await caller.me.twoFactor.confirm({ code: codeAt(0, started.secret) });
    expect(recoveryCodes).toHaveLength(10);
    expect(await trpcCode(caller.patients.list({}))).toBe("OK");
    // The secret is never answered again.
    expect(JSON.stringify(await caller.me.twoFactor.status())).not.toContain(started.secret);
    await expect(caller.me.twoFactor.begin()).rejects.toMatchObject({ code: "CONFLICT" });
    // Never in the audit trail.
    const audit = await ownerSql()`select detail::text as d from audit_events where actor_id = ${newAdmin}`;
    expect(audit.some((r) => String(r.d).includes(started.secret))).toBe(false);
  });

  it("policy everyone holds an unenrolled clinician; off releases them; only an admin sets it", async () => {
    const { users, orgs } = await demoIds();
    await ownerSql()`delete from user_mfa where user_id = ${users.shepherd}`;
    const admin = await callerFor("northAdmin", "northside");
    const shepherd = await callerAs(users.shepherd, orgs.northside);
    try {
      expect(await trpcCode(shepherd.patients.list({}))).toBe("OK");
      await admin.admin.settings.setMfaPolicy({ policy: "everyone" });
      expect(await trpcCode(shepherd.patients.list({}))).toBe("FORBIDDEN");
      expect(await trpcCode(shepherd.admin.settings.setMfaPolicy({ policy: "off" }))).toBe("FORBIDDEN");
      await admin.admin.settings.setMfaPolicy({ policy: "off" });
      expect(await trpcCode(shepherd.patients.list({}))).toBe("OK");
    } finally {
      await admin.admin.settings.setMfaPolicy({ policy: "admins" });
    }
  });

  it("an admin resets a member's factor (audited; the member must enroll again); nobody resets their own without a recovery code", async () => {
    const { users, orgs } = await demoIds();
    const admin = await callerFor("northAdmin", "northside");
    expect(await trpcCode(admin.admin.settings.resetMemberFactor({ userId: users.northAdmin }))).toBe("BAD_REQUEST");
    const codes = async () =>
      (await ownerSql()`select count(*)::int as n from mfa_recovery_codes where user_id = ${newAdmin}`)[0].n as number;
    expect(await codes()).toBeGreaterThan(0);
    expect(await trpcCode(admin.admin.settings.resetMemberFactor({ userId: newAdmin }))).toBe("OK");
    // The member's recovery codes go with the factor: none is left to sign in with.
    expect(await codes()).toBe(0);
    const [row] =
      await ownerSql()`select action, detail from audit_events where entity_id = ${newAdmin} and action = 'auth.mfa_reset' order by id desc limit 1`;
    expect(row.detail).toMatchObject({ by: "admin" });
    const again = await callerAs(newAdmin, orgs.northside);
    expect(await trpcCode(again.patients.list({}))).toBe("FORBIDDEN");
    // Another practice's admin cannot reach a northside member.
    const lake = await callerFor("lakeAdmin", "lakeside");
    expect(await trpcCode(lake.admin.settings.resetMemberFactor({ userId: users.grey }))).toBe("NOT_FOUND");
    // The database itself refuses deleting your own confirmed factor without a recovery code in the same transaction.
    const grey = await callerAs(users.grey, orgs.northside);
    expect(await trpcCode(grey.me.twoFactor.resetWithRecoveryCode({ recoveryCode: "aaaaa-bbbbb" }))).toBe(
      "BAD_REQUEST",
    );
    const { withRlsContext } = await import("@/server/db/context");
    const { removeFactor } = await import("@/server/auth/mfa");
    const key = await newSession(users.grey, orgs.northside);
    const removed = await withRlsContext(runtimeDb(), { kind: "session", ...key }, (tx) =>
      removeFactor(tx, users.grey),
    );
    expect(removed).toBe(false);
  });

  it("with one of their recovery codes a clinician removes their own factor, and must enroll again", async () => {
    // A clinician: an admin's own delete would also pass the admin's path of the policy.
    const { orgs } = await demoIds();
    const [u] = await ownerSql()`
      insert into users (email, name, password_hash) values ('self-reset@northside.test', 'Self Reset', 'x') returning id`;
    await ownerSql()`insert into memberships (user_id, org_id, role) values (${u.id}, ${orgs.northside}, 'clinician')`;
    try {
      const caller = await callerAs(u.id, orgs.northside);
      const started = await caller.me.twoFactor.begin();
      const { recoveryCodes } = await caller.me.twoFactor.confirm({ code: codeAt(0, started.secret) });
      expect(await caller.me.twoFactor.resetWithRecoveryCode({ recoveryCode: recoveryCodes[0] })).toEqual({
        reset: true,
      });
      const [{ n }] = await ownerSql()`select count(*)::int as n from user_mfa where user_id = ${u.id}`;
      expect(n).toBe(0);
    } finally {
      await ownerSql()`delete from memberships where user_id = ${u.id}`;
    }
  });
});
