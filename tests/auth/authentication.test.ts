import { afterAll, describe, expect, it } from "vitest";
import { checkCredentials } from "@/server/auth/credentials";
import { authOptions } from "@/server/auth/options";
import { hashPassword } from "@/server/auth/password";
import { THROTTLE } from "@/server/auth/throttle";
import { newPasswordSchema } from "@/lib/schemas/password";
import { demoIds, newSession, ownerSql, runtimeDb } from "@/tests/helpers/db";

describe("person authentication", () => {
  afterAll(async () => {
    await ownerSql()`delete from login_attempts`;
  });

  it("passwords are argon2id hashes and the runtime role cannot read them", async () => {
    expect(await hashPassword("a-long-enough-passphrase")).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const [row] = await ownerSql()`select password_hash from users where email = 'grey@northside.test'`;
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  it("locks an account after repeated failures, whatever the address, and says so", async () => {
    for (let i = 0; i < THROTTLE.perAccount; i++) {
      expect(
        await checkCredentials(runtimeDb(), { email: "shepherd@northside.test", password: `nope-${i}` }, `10.0.0.${i}`),
      ).toEqual({ ok: false, reason: "invalid" });
    }
    expect(
      await checkCredentials(runtimeDb(), { email: "shepherd@northside.test", password: "demo-password" }, "10.0.0.99"),
    ).toEqual({ ok: false, reason: "locked" });
    // Nothing about the account or the address is stored in clear.
    const rows = await ownerSql()`select key_hash from login_attempts`;
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.key_hash))).toBe(true);
    await ownerSql()`delete from login_attempts`;
    expect(
      (
        await checkCredentials(
          runtimeDb(),
          { email: "shepherd@northside.test", password: "demo-password" },
          "10.0.0.99",
        )
      ).ok,
    ).toBe(true);
  });

  it("answers an empty email or password as such and never counts it as an attempt", async () => {
    await ownerSql()`delete from login_attempts`;
    for (let i = 0; i < THROTTLE.perAddress + 2; i++) {
      expect(
        await checkCredentials(runtimeDb(), { email: "grey@northside.test", password: "" }, "203.0.113.9"),
      ).toEqual({ ok: false, reason: "missing_password" });
      expect(await checkCredentials(runtimeDb(), { email: "   ", password: "x" }, "203.0.113.9")).toEqual({
        ok: false,
        reason: "missing_email",
      });
      expect(await checkCredentials(runtimeDb(), {}, "203.0.113.9")).toEqual({ ok: false, reason: "missing_email" });
    }
    expect(await ownerSql()`select 1 from login_attempts`).toHaveLength(0);
    // Neither the account nor the address was used up: the right password still signs in.
    expect(
      (await checkCredentials(runtimeDb(), { email: "grey@northside.test", password: "demo-password" }, "203.0.113.9"))
        .ok,
    ).toBe(true);
    // A typed wrong password is an attempt.
    await checkCredentials(runtimeDb(), { email: "grey@northside.test", password: "wrong" }, "203.0.113.9");
    expect(await ownerSql()`select 1 from login_attempts`).toHaveLength(2);
    await ownerSql()`delete from login_attempts`;
  });

  it("throttles one client address across many accounts", async () => {
    for (let i = 0; i < THROTTLE.perAddress; i++) {
      await checkCredentials(runtimeDb(), { email: `nobody${i}@example.test`, password: "x" }, "198.51.100.7");
    }
    expect(
      await checkCredentials(runtimeDb(), { email: "grey@northside.test", password: "demo-password" }, "198.51.100.7"),
    ).toEqual({ ok: false, reason: "locked" });
    expect(
      (await checkCredentials(runtimeDb(), { email: "grey@northside.test", password: "demo-password" }, "198.51.100.8"))
        .ok,
    ).toBe(true);
  });

  it("a suspended member with no other practice cannot sign in", async () => {
    const { users, orgs } = await demoIds();
    await ownerSql()`update memberships set status = 'suspended' where user_id = ${users.house} and org_id = ${orgs.lakeside}`;
    try {
      expect(await checkCredentials(runtimeDb(), { email: "house@lakeside.test", password: "demo-password" })).toEqual({
        ok: false,
        reason: "suspended",
      });
    } finally {
      await ownerSql()`update memberships set status = 'active' where user_id = ${users.house} and org_id = ${orgs.lakeside}`;
    }
  });

  it("sign-in and sign-out are audited in the session's practice", async () => {
    const { users, orgs } = await demoIds();
    const { sessionId: sid, secret: sst } = await newSession(users.grey, orgs.northside);
    const user = { id: users.grey, orgId: orgs.northside, sid, sst, method: "totp" };
    await authOptions.events!.signIn!({ user: user as never, account: null });
    await authOptions.events!.signOut!({ token: { sub: users.grey, orgId: orgs.northside, sid, sst } } as never);
    const rows =
      await ownerSql()`select action, org_id, detail from audit_events where actor_id = ${users.grey} and action like 'auth.%' order by id desc limit 2`;
    expect(rows.map((r) => [r.action, r.org_id])).toEqual([
      ["auth.sign_out", orgs.northside],
      ["auth.sign_in", orgs.northside],
    ]);
    expect(rows[1].detail).toMatchObject({ method: "totp", provider: "credentials" });
    // Signing out ended the server-side session.
    const [s] = await ownerSql()`select revoked_at from sessions where id = ${sid}`;
    expect(s.revoked_at).not.toBeNull();
  });

  it("new passwords follow the policy", () => {
    const ok = (password: string, email = "someone@example.test") =>
      newPasswordSchema.safeParse({ email, password }).success;
    expect(ok("correct horse battery staple")).toBe(true);
    expect(ok("short")).toBe(false);
    expect(ok("password1234")).toBe(false);
    expect(ok("someone@example.test", "someone@example.test")).toBe(false);
    expect(ok("aaaaaaaaaaaaaaaa")).toBe(false);
  });
});

describe("password change", () => {
  it("a wrong current password commits its throttle attempt and audit row, then answers BAD_REQUEST", async () => {
    const { callerFor } = await import("@/tests/helpers/db");
    const locum = await callerFor("locum", "northside");
    const failures = async () =>
      (
        await ownerSql()`select count(*)::int as n from audit_events e join users u on u.id = e.actor_id
                          where u.email = 'locum@careroster.test' and e.action = 'auth.password_change_failed'`
      )[0].n as number;
    const attempts = async () => (await ownerSql()`select count(*)::int as n from login_attempts`)[0].n as number;
    const [auditBefore, attemptsBefore] = [await failures(), await attempts()];
    try {
      await expect(
        locum.me.changePassword({ currentPassword: "wrong", newPassword: "a much longer passphrase" }),
      ).rejects.toMatchObject({ code: "BAD_REQUEST", message: "Your current password is not correct." });
      expect(await failures()).toBe(auditBefore + 1);
      expect(await attempts()).toBeGreaterThan(attemptsBefore);
    } finally {
      await ownerSql()`delete from login_attempts`;
    }
  });

  it("needs the current password and a policy-compliant new one; the new one then signs in", async () => {
    const { callerFor } = await import("@/tests/helpers/db");
    const locum = await callerFor("locum", "northside");
    await expect(
      locum.me.changePassword({ currentPassword: "demo-password", newPassword: "short" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      locum.me.changePassword({ currentPassword: "wrong", newPassword: "a much longer passphrase" }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "Your current password is not correct.",
    });
    const [before] = await ownerSql()`select password_hash from users where email = 'locum@careroster.test'`;
    try {
      expect(
        await locum.me.changePassword({ currentPassword: "demo-password", newPassword: "a much longer passphrase" }),
      ).toMatchObject({ changed: true });
      expect(
        (await checkCredentials(runtimeDb(), { email: "locum@careroster.test", password: "a much longer passphrase" }))
          .ok,
      ).toBe(true);
    } finally {
      await ownerSql()`update users set password_hash = ${before.password_hash} where email = 'locum@careroster.test'`;
    }
  });
});
