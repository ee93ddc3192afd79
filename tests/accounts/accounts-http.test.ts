import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { hashPassword } from "@/server/auth/password";
import { DIRECTORY_THROTTLE, THROTTLE } from "@/server/auth/throttle";
import { demoIds, ownerSql } from "@/tests/helpers/db";
import { authSession, signIn, signOut, trpcMutation, trpcQuery, type SignInResult } from "@/tests/helpers/http-client";
import { startRealServer, type RealServer } from "@/tests/helpers/server";
import { nextDemoCode } from "@/tests/helpers/totp";

// Attacks over HTTP against the real server (scripts/start.ts → scripts/serve.ts → the production
// build) on the Vitest database: what a client can send, checked against the rows it leaves.

const PASSWORD = "a long and private passphrase";
let app: RealServer;
let proxied: RealServer; // the same app with TRUST_PROXY=1

// A practice of its own (the demo practices' member lists stay as other test files expect them).
let practice: string;
let practiceAdmin: string; // its admin's email

/** A fresh member of the test practice with a known password (so demo accounts keep theirs). */
async function newMember(
  name = "Test Member",
  role: "clinician" | "admin" = "clinician",
): Promise<{ id: string; email: string }> {
  const email = `member-${randomUUID().slice(0, 8)}@harbor.test`;
  const [u] =
    await ownerSql()`insert into users (email, name, password_hash) values (${email}, ${name}, ${await hashPassword(PASSWORD)}) returning id`;
  await ownerSql()`insert into memberships (user_id, org_id, role) values (${u.id}, ${practice}, ${role})`;
  return { id: u.id as string, email };
}

const cookieOf = (s: SignInResult) => {
  expect(s.ok, `sign-in failed: ${s.error}`).toBe(true);
  return { cookie: s.cookie! };
};

beforeAll(async () => {
  // Two-factor policy off: this practice's members (its admin too) sign in with a password only (two-factor has its own tests).
  const [org] =
    await ownerSql()`insert into organizations (name, slug, mfa_policy) values ('Harbor Test Clinic', ${`harbor-${randomUUID().slice(0, 8)}`}, 'off') returning id`;
  practice = org.id as string;
  practiceAdmin = (await newMember("Harbor Admin", "admin")).email;
  app = await startRealServer();
  proxied = await startRealServer({ TRUST_PROXY: "1" });
}, 600_000);

afterAll(async () => {
  await app?.stop();
  await proxied?.stop();
  await ownerSql()`delete from login_attempts`;
  // The test practice leaves no active admin behind (the reminders job lists practices by their admins).
  if (practice) await ownerSql()`delete from memberships where org_id = ${practice}`;
});

beforeEach(async () => {
  await ownerSql()`delete from login_attempts`;
});

describe("throttling counts first", () => {
  it("100 parallel wrong passwords get at most the limit's worth of checks, and then the right one is refused", async () => {
    const victim = await newMember();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => signIn(app.base, victim.email, `wrong guess ${i}`)),
    );
    const errors = results.map((r) => r.error);
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(errors.filter((e) => e === "CredentialsSignin")).toHaveLength(THROTTLE.perAccount);
    expect(errors.filter((e) => e === "Locked")).toHaveLength(100 - THROTTLE.perAccount);
    const right = await signIn(app.base, victim.email, PASSWORD);
    expect(right).toMatchObject({ ok: false, error: "Locked", cookie: null });
    const [{ n }] = await ownerSql()`select count(*)::int as n from sessions where user_id = ${victim.id}`;
    expect(n).toBe(0);
  });

  it("a spoofed X-Forwarded-For does not reset the per-address count (no TRUST_PROXY: the socket address counts)", async () => {
    for (let i = 0; i < THROTTLE.perAddress; i++) {
      const r = await signIn(app.base, `nobody-${i}@example.test`, "guess", {
        headers: { "x-forwarded-for": `198.51.100.${i}` },
      });
      expect(r.error).toBe("CredentialsSignin");
    }
    const member = await newMember();
    const spoofed = await signIn(app.base, member.email, PASSWORD, {
      headers: { "x-forwarded-for": "203.0.113.200", "x-real-ip": "203.0.113.201" },
    });
    expect(spoofed).toMatchObject({ ok: false, error: "Locked" });
    // The app's private address header cannot be set by a client either.
    const forged = await signIn(app.base, member.email, PASSWORD, {
      headers: { "x-careroster-client-address": "203.0.113.202" },
    });
    expect(forged).toMatchObject({ ok: false, error: "Locked" });
  });

  it("with TRUST_PROXY=1 the address the proxy appended counts, not what the client wrote before it", async () => {
    const via = (client: string, spoof?: string) => ({
      headers: { "x-forwarded-for": spoof ? `${spoof}, ${client}` : client },
    });
    for (let i = 0; i < THROTTLE.perAddress; i++) {
      // The client writes a new address each time; the proxy appends the real one (203.0.113.9).
      expect(
        (await signIn(proxied.base, `nobody-${i}@example.test`, "guess", via("203.0.113.9", `10.9.9.${i}`))).error,
      ).toBe("CredentialsSignin");
    }
    const member = await newMember();
    expect(await signIn(proxied.base, member.email, PASSWORD, via("203.0.113.9", "192.0.2.1"))).toMatchObject({
      ok: false,
      error: "Locked",
    });
    // Another client behind the same proxy is not locked out.
    expect((await signIn(proxied.base, member.email, PASSWORD, via("203.0.113.10"))).ok).toBe(true);
  });

  it("password change: the current-password check is throttled with the account's sign-in budget", async () => {
    const member = await newMember();
    const auth = cookieOf(await signIn(app.base, member.email, PASSWORD));
    const tries = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        trpcMutation(
          app.base,
          "me.changePassword",
          { currentPassword: `wrong ${i}`, newPassword: "another long passphrase here" },
          auth,
        ),
      ),
    );
    expect(tries.filter((t) => t.code === "BAD_REQUEST")).toHaveLength(THROTTLE.perAccount);
    expect(tries.filter((t) => t.code === "TOO_MANY_REQUESTS")).toHaveLength(20 - THROTTLE.perAccount);
    const right = await trpcMutation(
      app.base,
      "me.changePassword",
      { currentPassword: PASSWORD, newPassword: "another long passphrase here" },
      auth,
    );
    expect(right.code).toBe("TOO_MANY_REQUESTS");
    expect(right.message).toMatch(/Wait 15 minutes/);
  });
});

describe("open redirects after sign-in and sign-out stay on the app", () => {
  const forms = [
    "/%5Cevil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "//evil.example",
    "https://evil.example",
    "http://evil.example/patients",
    "/%5C%5Cevil.example",
  ];
  it.each(forms)("callbackUrl %j", async (callbackUrl) => {
    const member = await newMember();
    const s = await signIn(app.base, member.email, PASSWORD, { callbackUrl });
    expect(s.ok).toBe(true);
    const target = new URL(s.url, app.base);
    expect(target.origin).toBe(app.base);
    expect(decodeURIComponent(target.pathname)).not.toMatch(/evil|\\|^\/\//);
    const out = await signOut(app.base, s.cookie!, callbackUrl);
    expect(new URL(out.url, app.base).origin).toBe(app.base);
    expect(out.url).not.toMatch(/evil/);
  });

  it("a same-origin path is kept", async () => {
    const member = await newMember();
    const s = await signIn(app.base, member.email, PASSWORD, { callbackUrl: "/directory?x=1" });
    expect(s.url).toBe(`${app.base}/directory?x=1`);
  });
});

describe("small holes", () => {
  it("a stray `a=%` cookie beside the session breaks nothing (tRPC and a page)", async () => {
    const member = await newMember();
    const { cookie } = cookieOf(await signIn(app.base, member.email, PASSWORD));
    for (const jar of [`a=%; ${cookie}`, `${cookie}; a=%`, `a=%E0%A4%A; b=%%; ${cookie}`]) {
      expect((await trpcQuery(app.base, "me.get", undefined, { cookie: jar })).status).toBe(200);
      const page = await fetch(`${app.base}/patients`, { headers: { cookie: jar }, redirect: "manual" });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("My patients");
    }
  });

  it("a client's x-request-id never reaches the audit table", async () => {
    const { users } = await demoIds();
    const { cookie } = cookieOf(
      await signIn(app.base, "grey@northside.test", "demo-password", {
        totp: await nextDemoCode("grey@northside.test"),
      }),
    );
    const forged = randomUUID();
    const res = await trpcQuery(app.base, "patients.list", { limit: 5 }, { cookie, "x-request-id": forged });
    expect(res.status).toBe(200);
    const rows =
      await ownerSql()`select request_id from audit_events where actor_id = ${users.grey} and action = 'patient.list' and at > now() - interval '1 minute'`;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.request_id === forged)).toBe(false);
    const [{ n }] = await ownerSql()`select count(*)::int as n from audit_events where request_id = ${forged}`;
    expect(n).toBe(0);
  });

  it("the audit CSV quotes every cell and neutralises formula-like cells", async () => {
    const member = await newMember('=HYPERLINK("http://evil.example","x")');
    cookieOf(await signIn(app.base, member.email, PASSWORD)); // an auth.sign_in row whose actor name is a formula
    const admin = cookieOf(await signIn(app.base, practiceAdmin, PASSWORD));
    const res = await fetch(`${app.base}/api/admin/audit-csv?actorId=${member.id}`, { headers: admin });
    expect(res.status).toBe(200);
    const text = await res.text();
    const lines = text.trim().split("\r\n");
    expect(lines[0]).toBe(
      '"at","actorId","actorName","action","actionLabel","entity","entityId","patientId","patientName","patientMrn","requestId","detail","about","details","emergencyReason"',
    );
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines.slice(1)) {
      expect(line.startsWith('"')).toBe(true);
      expect(line).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    }
  });
});

describe("revoked sessions", () => {
  async function expectEnded(cookie: string) {
    const res = await trpcQuery(app.base, "me.get", undefined, { cookie });
    expect(res.status).toBe(401);
    expect(res.code).toBe("UNAUTHORIZED");
    const renewal = await authSession(app.base, cookie);
    expect(renewal.reissued).toBe(false);
    expect(renewal.body).toEqual({});
  }

  it("sign-out: the old cookie replayed gets UNAUTHORIZED and /api/auth/session does not re-issue it", async () => {
    const member = await newMember();
    const { cookie } = cookieOf(await signIn(app.base, member.email, PASSWORD));
    expect((await trpcQuery(app.base, "me.get", undefined, { cookie })).status).toBe(200);
    expect((await authSession(app.base, cookie)).reissued).toBe(true); // control: a live session is renewed
    const out = await signOut(app.base, cookie);
    expect(out.cleared).toBe(true);
    await expectEnded(cookie);
    const [row] = await ownerSql()`select revoked_at from sessions where user_id = ${member.id}`;
    expect(row.revoked_at).not.toBeNull();
  });

  it("a password change ends the user's other sessions, not the one that changed it", async () => {
    const member = await newMember();
    const here = cookieOf(await signIn(app.base, member.email, PASSWORD));
    const there = cookieOf(await signIn(app.base, member.email, PASSWORD));
    const res = await trpcMutation(
      app.base,
      "me.changePassword",
      { currentPassword: PASSWORD, newPassword: "a brand new passphrase 2026" },
      here,
    );
    expect(res.data).toEqual({ changed: true, endedSessions: 1 });
    await expectEnded(there.cookie);
    expect((await trpcQuery(app.base, "me.get", undefined, here)).status).toBe(200);
  });

  it("suspension ends the member's sessions", async () => {
    const member = await newMember();
    const theirs = cookieOf(await signIn(app.base, member.email, PASSWORD));
    const admin = cookieOf(await signIn(app.base, practiceAdmin, PASSWORD));
    expect(
      (await trpcMutation(app.base, "admin.members.setStatus", { userId: member.id, status: "suspended" }, admin))
        .status,
    ).toBe(200);
    await expectEnded(theirs.cookie);
    const [{ live }] =
      await ownerSql()`select count(*)::int as live from sessions where user_id = ${member.id} and revoked_at is null`;
    expect(live).toBe(0);
    // Reactivation does not bring an ended session back.
    expect(
      (await trpcMutation(app.base, "admin.members.setStatus", { userId: member.id, status: "active" }, admin)).status,
    ).toBe(200);
    await expectEnded(theirs.cookie);
  });

  it("an admin's sign-out-everywhere ends every session of the member, and is audited", async () => {
    const member = await newMember();
    const a = cookieOf(
      await signIn(app.base, member.email, PASSWORD, {
        headers: { "user-agent": "Mozilla/5.0 (Windows NT 10.0) Chrome/140.0" },
      }),
    );
    const b = cookieOf(
      await signIn(app.base, member.email, PASSWORD, {
        headers: { "user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Safari/604.1" },
      }),
    );
    const admin = cookieOf(await signIn(app.base, practiceAdmin, PASSWORD));
    const seen = await trpcQuery(app.base, "admin.members.sessions", { userId: member.id }, admin);
    expect((seen.data as { device: string }[]).map((s) => s.device).sort()).toEqual([
      "Chrome on Windows",
      "Safari on iOS",
    ]);
    // A clinician cannot do it.
    expect((await trpcMutation(app.base, "admin.members.signOutEverywhere", { userId: member.id }, a)).code).toBe(
      "FORBIDDEN",
    );
    const res = await trpcMutation(app.base, "admin.members.signOutEverywhere", { userId: member.id }, admin);
    expect(res.data).toEqual({ ended: 2 });
    await expectEnded(a.cookie);
    await expectEnded(b.cookie);
    const [audit] =
      await ownerSql()`select detail from audit_events where action = 'member.sign_out_everywhere' and entity_id = ${member.id}`;
    expect(audit.detail).toEqual({ endedSessions: 2 });
  });

  it("another practice's admin can neither see nor end a member's sessions", async () => {
    const member = await newMember();
    const theirs = cookieOf(await signIn(app.base, member.email, PASSWORD));
    const lake = cookieOf(
      await signIn(app.base, "admin@lakeside.test", "demo-password", {
        totp: await nextDemoCode("admin@lakeside.test"),
      }),
    );
    expect((await trpcQuery(app.base, "admin.members.sessions", { userId: member.id }, lake)).code).toBe("NOT_FOUND");
    expect((await trpcMutation(app.base, "admin.members.signOutEverywhere", { userId: member.id }, lake)).code).toBe(
      "NOT_FOUND",
    );
    expect((await trpcQuery(app.base, "me.get", undefined, theirs)).status).toBe(200);
  });

  it("a member ends another of their sessions from the list; this device's own stays", async () => {
    const member = await newMember();
    const here = cookieOf(await signIn(app.base, member.email, PASSWORD));
    const there = cookieOf(await signIn(app.base, member.email, PASSWORD));
    const list = (await trpcQuery(app.base, "me.sessions", undefined, here)).data as { id: string; current: boolean }[];
    expect(list).toHaveLength(2);
    const other = list.find((s) => !s.current)!;
    const mine = list.find((s) => s.current)!;
    expect((await trpcMutation(app.base, "me.endSession", { sessionId: mine.id }, here)).code).toBe("BAD_REQUEST");
    expect((await trpcMutation(app.base, "me.endSession", { sessionId: other.id }, here)).data).toEqual({
      ended: true,
    });
    await expectEnded(there.cookie);
    expect((await trpcQuery(app.base, "me.get", undefined, here)).status).toBe(200);
    // Someone else's session id is the same NOT_FOUND as one that does not exist.
    const stranger = await newMember();
    cookieOf(await signIn(app.base, stranger.email, PASSWORD));
    const [s] = await ownerSql()`select id from sessions where user_id = ${stranger.id} and revoked_at is null`;
    expect((await trpcMutation(app.base, "me.endSession", { sessionId: s.id }, here)).code).toBe("NOT_FOUND");
    expect((await trpcMutation(app.base, "me.endSession", { sessionId: randomUUID() }, here)).code).toBe("NOT_FOUND");
  });
});

describe("the break-glass directory", () => {
  it("records the search term and the returned patient ids in the audit row", async () => {
    const grey = cookieOf(
      await signIn(app.base, "grey@northside.test", "demo-password", {
        totp: await nextDemoCode("grey@northside.test"),
      }),
    );
    const term = "an";
    const res = await trpcQuery(app.base, "breakGlass.directory", { search: term }, grey);
    expect(res.status).toBe(200);
    const ids = (res.data as { id: string }[]).map((r) => r.id);
    expect(ids.length).toBeGreaterThan(0);
    const { users } = await demoIds();
    const [row] =
      await ownerSql()`select detail from audit_events where actor_id = ${users.grey} and action = 'directory.search' order by id desc limit 1`;
    expect(row.detail).toMatchObject({ search: term, results: ids.length, patientIds: ids });
  });

  it(`is rate-limited per user (${DIRECTORY_THROTTLE.perUser} in ${DIRECTORY_THROTTLE.windowMinutes} minutes), also for a parallel burst`, async () => {
    const member = await newMember();
    const auth = cookieOf(await signIn(app.base, member.email, PASSWORD));
    const burst = await Promise.all(
      Array.from({ length: DIRECTORY_THROTTLE.perUser + 10 }, (_, i) =>
        trpcQuery(app.base, "breakGlass.directory", { search: `x${i}` }, auth),
      ),
    );
    expect(burst.filter((r) => r.status === 200)).toHaveLength(DIRECTORY_THROTTLE.perUser);
    const refused = burst.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(10);
    for (const r of refused) {
      expect(r.code).toBe("TOO_MANY_REQUESTS");
      expect(r.message).toMatch(/Too many directory searches/);
    }
    // Another user is not affected.
    const grey = cookieOf(
      await signIn(app.base, "grey@northside.test", "demo-password", {
        totp: await nextDemoCode("grey@northside.test"),
      }),
    );
    expect((await trpcQuery(app.base, "breakGlass.directory", { search: "an" }, grey)).status).toBe(200);
  });
});
