import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkCredentials } from "@/server/auth/credentials";
import { RESET_THROTTLE } from "@/server/auth/throttle";
import { mailDir } from "@/server/mail";
import { createCaller } from "@/server/trpc/routers/_app";
import { callerFor, demoIds, ownerSql, runtimeDb, trpcCode } from "@/tests/helpers/db";
import { linkOf, mailsTo, waitForMail } from "@/tests/helpers/mailbox";

// Forgot password against the real database and mail files. The account is created through an
// invitation first, so no demo password changes.

const EMAIL = "reset.me@accounts.test";
const FIRST = "Plum orchard ledger 1987";
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
let address = 0;
// A fresh client address per call unless given: the per-address limit has its own test.
const anonymous = (clientAddress = `203.0.113.${++address}`) =>
  createCaller({ session: null, requestId: randomUUID(), db: runtimeDb(), clientAddress });

async function requestReset(email: string, clientAddress?: string) {
  const since = Date.now() - 5;
  const answer = await anonymous(clientAddress).passwordReset.request({ email });
  return { answer, since };
}

beforeAll(async () => {
  const admin = await callerFor("northAdmin", "northside");
  const since = Date.now() - 5;
  await admin.admin.members.invite({ email: EMAIL, name: "Reset Me", role: "clinician" });
  const { token } = linkOf(await waitForMail(mailDir(), EMAIL, since));
  await anonymous().invitations.acceptNew({ token, name: "Reset Me", password: FIRST });
});

afterAll(async () => {
  const sql = ownerSql();
  const test = sql`select id from users where email like '%@accounts.test'`;
  await sql`delete from audit_events where actor_id in (${test})`;
  await sql`delete from memberships where user_id in (${test})`;
  await sql`delete from invitations`;
  await sql`delete from password_resets`;
  await sql`delete from sessions where user_id in (${test})`;
  await sql`delete from users where email like '%@accounts.test'`;
  await sql`delete from login_attempts`;
});

describe("forgot password", () => {
  // Each test starts below the request limits (the last test measures them).
  beforeEach(async () => {
    await ownerSql()`delete from login_attempts`;
  });

  it("answers the same for an email with an account and one without; only the account gets a mail", async () => {
    const known = await requestReset("Reset.Me@accounts.test");
    const unknown = await requestReset("nobody-here@accounts.test");
    expect(known.answer).toEqual(unknown.answer);
    expect(known.answer.message).toMatch(/If an account uses that email/);
    const mail = await waitForMail(mailDir(), EMAIL, known.since);
    expect(mail.subject).toBe("Reset your CareRoster password");
    await new Promise((r) => setTimeout(r, 300));
    expect(await mailsTo(mailDir(), "nobody-here@accounts.test")).toHaveLength(0);
    const { token } = linkOf(mail);
    const [row] =
      await ownerSql()`select extract(epoch from expires_at - created_at)::int as ttl from password_resets where token_hash = ${sha256(token)}`;
    expect(row.ttl).toBe(30 * 60);
    const [{ n }] = await ownerSql()`select count(*)::int as n from password_resets where token_hash = ${token}`;
    expect(n).toBe(0);
  });

  it("the link sets a new password once; the old password stops working", async () => {
    const { since } = await requestReset(EMAIL);
    const { token } = linkOf(await waitForMail(mailDir(), EMAIL, since));
    expect(await anonymous().passwordReset.preview({ token })).toEqual({ email: EMAIL, name: "Reset Me" });
    const next = "Violet harbour lantern 2044";
    expect(await anonymous().passwordReset.complete({ token, password: next })).toEqual({ email: EMAIL });
    expect((await checkCredentials(runtimeDb(), { email: EMAIL, password: next })).ok).toBe(true);
    expect((await checkCredentials(runtimeDb(), { email: EMAIL, password: FIRST })).ok).toBe(false);
    expect(await anonymous().passwordReset.preview({ token })).toBeNull();
    expect(await trpcCode(anonymous().passwordReset.complete({ token, password: "Another fine passphrase 77" }))).toBe(
      "NOT_FOUND",
    );
    expect((await checkCredentials(runtimeDb(), { email: EMAIL, password: next })).ok).toBe(true);
    const { users: _u, orgs } = await demoIds();
    const actions = await ownerSql()`
      select action from audit_events where org_id = ${orgs.northside} and actor_id = (select id from users where email = ${EMAIL})
      and action like 'auth.password_reset%' order by id`;
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining(["auth.password_reset_request", "auth.password_reset"]),
    );
    expect(
      JSON.stringify(
        await ownerSql()`select detail, request_id from audit_events where action like 'auth.password_reset%'`,
      ),
    ).not.toContain(token);
  });

  it("an expired link and a superseded link do nothing", async () => {
    const first = await requestReset(EMAIL);
    const old = linkOf(await waitForMail(mailDir(), EMAIL, first.since));
    const second = await requestReset(EMAIL);
    const latest = linkOf(await waitForMail(mailDir(), EMAIL, second.since));
    expect(latest.token).not.toBe(old.token);
    expect(await anonymous().passwordReset.preview({ token: old.token })).toBeNull();
    expect(
      await trpcCode(
        anonymous().passwordReset.complete({ token: old.token, password: "Superseded link passphrase 5" }),
      ),
    ).toBe("NOT_FOUND");
    await ownerSql()`update password_resets set expires_at = now() - interval '1 second' where token_hash = ${sha256(latest.token)}`;
    expect(await anonymous().passwordReset.preview({ token: latest.token })).toBeNull();
    expect(
      await trpcCode(
        anonymous().passwordReset.complete({ token: latest.token, password: "Expired link passphrase 55" }),
      ),
    ).toBe("NOT_FOUND");
    expect((await checkCredentials(runtimeDb(), { email: EMAIL, password: "Expired link passphrase 55" })).ok).toBe(
      false,
    );
  });

  it("a weak new password is BAD_REQUEST with zod issues, and the link stays usable", async () => {
    const { since } = await requestReset(EMAIL);
    const { token } = linkOf(await waitForMail(mailDir(), EMAIL, since));
    for (const password of ["short", "password12345", "reset.me@accounts.test", "resetme12345", "resetmeresetme"]) {
      const err = await anonymous()
        .passwordReset.complete({ token, password })
        .then(
          () => null,
          // The domain's AppError carries zod's issues as its cause (the error formatter sends them).
          (e: { code: string; cause?: { cause?: { issues?: { path: string[] }[] } } }) => e,
        );
      expect(err?.code, password).toBe("BAD_REQUEST");
      expect(err?.cause?.cause?.issues?.[0].path).toEqual(["password"]);
    }
    expect(await anonymous().passwordReset.preview({ token })).not.toBeNull();
    await ownerSql()`delete from login_attempts`;
  });

  it("is throttled per email and per client address, counting before answering", async () => {
    await ownerSql()`delete from login_attempts`;
    const email = "throttle@accounts.test";
    // A parallel burst: each request is counted before it is answered, so exactly the limit gets through.
    const codes = await Promise.all(
      Array.from({ length: RESET_THROTTLE.perEmail + 3 }, () => trpcCode(anonymous().passwordReset.request({ email }))),
    );
    expect(
      codes.filter((c) => c === "OK"),
      codes.join(),
    ).toHaveLength(RESET_THROTTLE.perEmail);
    expect(
      codes.filter((c) => c === "TOO_MANY_REQUESTS"),
      codes.join(),
    ).toHaveLength(3);
    // One after another: exactly the limit, then refused.
    const sequential = [];
    for (let i = 0; i < RESET_THROTTLE.perEmail + 1; i++)
      sequential.push(await trpcCode(anonymous().passwordReset.request({ email: "one.by.one@accounts.test" })));
    expect(sequential).toEqual([...Array(RESET_THROTTLE.perEmail).fill("OK"), "TOO_MANY_REQUESTS"]);
    const perAddress = [];
    for (let i = 0; i < RESET_THROTTLE.perAddress + 1; i++)
      perAddress.push(
        await trpcCode(anonymous("198.51.100.77").passwordReset.request({ email: `someone${i}@accounts.test` })),
      );
    expect(perAddress.slice(0, RESET_THROTTLE.perAddress).every((c) => c === "OK")).toBe(true);
    expect(perAddress[RESET_THROTTLE.perAddress]).toBe("TOO_MANY_REQUESTS");
    const rows = await ownerSql()`select key_hash from login_attempts`;
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.key_hash))).toBe(true);
    await ownerSql()`delete from login_attempts`;
  });
});
