import { createHash, randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET, POST } from "@/tests/helpers/trpc-http";
import { checkCredentials } from "@/server/auth/credentials";
import { createCaller } from "@/server/trpc/routers/_app";
import { mailDir } from "@/server/mail";
import {
  asUser,
  callerAs,
  callerFor,
  cookieOf,
  demoIds,
  newSession,
  ownerSql,
  pgError,
  runtimeDb,
  trpcCode,
} from "@/tests/helpers/db";
import { linkOf, mailsTo, waitForMail } from "@/tests/helpers/mailbox";

// Invitations end to end against the real database, the real mail component (.eml files) and,
// for the attack scenario, the real tRPC route handler with session cookies.

const STRONG = "Plum orchard ledger 1987";
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

const cookie = async (userId: string, orgId: string | null) =>
  cookieOf({ userId, orgId, ...(await newSession(userId, orgId)) });
async function http(method: "GET" | "POST", path: string, input: unknown, cookieHeader?: string) {
  const headers: Record<string, string> = cookieHeader ? { cookie: cookieHeader } : {};
  const res =
    method === "GET"
      ? await GET(
          new Request(
            `http://localhost/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
            { headers },
          ),
        )
      : await POST(
          new Request(`http://localhost/api/trpc/${path}`, {
            method: "POST",
            headers: { ...headers, "content-type": "application/json" },
            body: JSON.stringify({ json: input }),
          }),
        );
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) };
}
const anonymous = () =>
  createCaller({ session: null, requestId: randomUUID(), db: runtimeDb(), clientAddress: "192.0.2.10" });

/** Invites `email` as `admin` and returns the token from the mail that the invitation produced. */
async function invite(
  admin: Awaited<ReturnType<typeof callerFor>>,
  email: string,
  role: "admin" | "clinician" = "clinician",
) {
  const since = Date.now() - 5;
  const sent = await admin.admin.members.invite({ email, name: "Dr. Newcomer", role });
  expect(sent).toEqual({ sent: true });
  const mail = await waitForMail(mailDir(), email, since);
  return { mail, ...linkOf(mail) };
}

afterAll(async () => {
  const sql = ownerSql();
  const test = sql`select id from users where email like '%@accounts.test' or email = 'dr.new@lakeside.test'`;
  await sql`delete from audit_events where actor_id in (${test})`;
  await sql`delete from memberships where user_id in (${test}) or status = 'invited'`;
  await sql`delete from invitations`;
  await sql`delete from password_resets`;
  await sql`delete from sessions where user_id in (${test})`;
  await sql`delete from users where email like '%@accounts.test' or email = 'dr.new@lakeside.test'`;
  await sql`delete from login_attempts`;
});

describe("invitations", () => {
  it("the admin's answer is the same for an email with an account and one without, and never carries a credential", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const existing = await invite(admin, "house@lakeside.test");
    const fresh = await invite(admin, "first@accounts.test");
    // Both answers were { sent: true } (checked in invite()); the pending list has the same shape for both.
    const pending = await admin.admin.members.invitations();
    const rows = pending.filter((p) => ["house@lakeside.test", "first@accounts.test"].includes(p.email));
    expect(rows).toHaveLength(2);
    for (const r of rows)
      expect(Object.keys(r).sort()).toEqual(["createdAt", "email", "expiresAt", "id", "name", "role"]);
    expect(JSON.stringify(pending)).not.toContain(existing.token);
    // Nothing about house (name, id, membership) became visible to Northside's admin.
    expect((await admin.admin.members.list()).map((m) => m.email)).not.toContain("house@lakeside.test");
    const { users: u } = await demoIds();
    const seen = await asUser("northAdmin", "northside", (tx) =>
      tx.execute(`select id from users where id = '${u.house}'` as never),
    );
    expect([...seen]).toEqual([]);
    // Stored as a SHA-256 only, expiring in 72 hours.
    const [row] =
      await ownerSql()`select token_hash, extract(epoch from expires_at - created_at)::int as ttl from invitations where token_hash = ${sha256(fresh.token)}`;
    expect(row.ttl).toBe(72 * 3600);
    const [{ n }] =
      await ownerSql()`select count(*)::int as n from invitations where token_hash in (${existing.token}, ${fresh.token})`;
    expect(n).toBe(0);
    expect(existing.mail.subject).toBe("You are invited to Northside Family Clinic on CareRoster");
    expect(existing.mail.text).toContain("invited you to join Northside Family Clinic");
  });

  it("an invited membership of an existing account grants nothing until accepted", async () => {
    const { users: u, orgs } = await demoIds();
    const [m] =
      await ownerSql()`select status, role from memberships where user_id = ${u.house} and org_id = ${orgs.northside}`;
    expect(m).toEqual({ status: "invited", role: "clinician" });
    const house = await callerAs(u.house, orgs.northside);
    expect((await house.patients.list({})).items).toEqual([]);
    expect((await house.me.get()).role).toBeNull();
    expect((await house.me.get()).memberships.map((x) => x.orgId)).not.toContain(orgs.northside);
    expect(await trpcCode(house.me.switchOrg({ orgId: orgs.northside }))).toBe("FORBIDDEN");
    const counts = await asUser("house", "northside", async (tx) => ({
      org: [...(await tx.execute<{ org: string | null }>(`select app_org_id() as org` as never))][0].org,
      patients: [...(await tx.execute(`select id from patients` as never))].length,
      members: [...(await tx.execute(`select user_id from memberships where org_id = '${orgs.northside}'` as never))]
        .length,
    }));
    expect(counts).toEqual({ org: null, patients: 0, members: 1 }); // only house's own invited row
    // It shows up as a pending invitation for house, who accepts it from the list.
    const mine = await (await callerAs(u.house, orgs.lakeside)).invitations.mine();
    expect(mine).toEqual([expect.objectContaining({ orgName: "Northside Family Clinic", role: "clinician" })]);
    expect(await (await callerAs(u.house, orgs.lakeside)).invitations.accept({ invitationId: mine[0].id })).toEqual({
      orgId: orgs.northside,
      orgName: "Northside Family Clinic",
    });
    expect((await house.patients.list({})).items).toEqual([]); // a clinician with no care team yet
    expect((await house.me.get()).role).toBe("clinician");
    await ownerSql()`delete from memberships where user_id = ${u.house} and org_id = ${orgs.northside}`;
  });

  it("a new person sets their password from the link, once; the account signs in and lands in the practice", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const { token } = await invite(admin, "single@accounts.test");
    const preview = await anonymous().invitations.preview({ token });
    expect(preview).toMatchObject({
      orgName: "Northside Family Clinic",
      email: "single@accounts.test",
      role: "clinician",
      accountExists: false,
    });
    expect(await anonymous().invitations.acceptNew({ token, name: "Dr. Single Use", password: STRONG })).toEqual({
      email: "single@accounts.test",
      orgName: "Northside Family Clinic",
    });
    expect(await anonymous().invitations.preview({ token })).toBeNull();
    expect(await trpcCode(anonymous().invitations.acceptNew({ token, name: "Again", password: STRONG }))).toBe(
      "NOT_FOUND",
    );
    const signIn = await checkCredentials(runtimeDb(), { email: "single@accounts.test", password: STRONG });
    const { orgs } = await demoIds();
    expect(signIn).toMatchObject({ ok: true, user: { orgId: orgs.northside } });
    // An accepted invitation is out of the admin's reach, down to SQL: revoking it finds no row.
    const [accepted] = await ownerSql()`select id from invitations where email = 'single@accounts.test'`;
    const revoked = await asUser("northAdmin", "northside", (tx) =>
      tx.execute(sql`update invitations set revoked_at = now() where id = ${accepted.id}`),
    );
    expect(revoked.count).toBe(0);
    const [user] = await ownerSql()`select email_verified_at from users where email = 'single@accounts.test'`;
    expect(user.email_verified_at).toBeInstanceOf(Date);
    const [audit] =
      await ownerSql()`select action, detail from audit_events where action = 'member.invite_accept' and org_id = ${orgs.northside} order by id desc limit 1`;
    expect(audit.detail).toMatchObject({ newAccount: true });
    expect(
      JSON.stringify(await ownerSql()`select detail from audit_events where action like 'member.invite%'`),
    ).not.toContain(token);
  });

  it("two parallel accepts of one token: exactly one succeeds", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const { token } = await invite(admin, "race@accounts.test");
    const results = await Promise.all(
      [0, 1, 2].map((i) =>
        trpcCode(anonymous().invitations.acceptNew({ token, name: `Racer ${i}`, password: STRONG })),
      ),
    );
    expect(results.filter((r) => r === "OK")).toHaveLength(1);
    const [{ n }] = await ownerSql()`select count(*)::int as n from users where email = 'race@accounts.test'`;
    expect(n).toBe(1);
  });

  it("an expired invitation does nothing", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const { token } = await invite(admin, "late@accounts.test");
    await ownerSql()`update invitations set expires_at = now() - interval '1 second' where token_hash = ${sha256(token)}`;
    expect(await anonymous().invitations.preview({ token })).toBeNull();
    expect(await trpcCode(anonymous().invitations.acceptNew({ token, name: "Too Late", password: STRONG }))).toBe(
      "NOT_FOUND",
    );
    const [{ n }] = await ownerSql()`select count(*)::int as n from users where email = 'late@accounts.test'`;
    expect(n).toBe(0);
  });

  it("revoking kills the link and the invited membership", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const { users: u, orgs } = await demoIds();
    const { token } = await invite(admin, "HOUSE@lakeside.test");
    const id = (await admin.admin.members.invitations()).find((i) => i.email === "house@lakeside.test")!.id;
    expect(await admin.admin.members.revokeInvitation({ invitationId: id })).toEqual({ revoked: true });
    expect(await anonymous().invitations.preview({ token })).toBeNull();
    expect(await trpcCode((await callerAs(u.house, orgs.lakeside)).invitations.accept({ token }))).toBe("NOT_FOUND");
    expect(
      await ownerSql()`select status from memberships where user_id = ${u.house} and org_id = ${orgs.northside}`,
    ).toHaveLength(0);
    expect((await admin.admin.members.invitations()).map((i) => i.id)).not.toContain(id);
    expect(await trpcCode(admin.admin.members.revokeInvitation({ invitationId: id }))).toBe("NOT_FOUND");
    // Lakeside's admin cannot revoke or resend Northside's invitations (nor see them).
    const other = await invite(admin, "scoped@accounts.test");
    const otherId = (await admin.admin.members.invitations()).find((i) => i.email === "scoped@accounts.test")!.id;
    const lakeAdmin = await callerFor("lakeAdmin", "lakeside");
    expect(await trpcCode(lakeAdmin.admin.members.revokeInvitation({ invitationId: otherId }))).toBe("NOT_FOUND");
    expect(await trpcCode(lakeAdmin.admin.members.resendInvitation({ invitationId: otherId }))).toBe("NOT_FOUND");
    expect((await lakeAdmin.admin.members.invitations()).map((i) => i.id)).not.toContain(otherId);
    expect(await anonymous().invitations.preview({ token: other.token })).not.toBeNull();
  });

  it("resending mails a new link and the old one stops working", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const first = await invite(admin, "resend@accounts.test");
    const id = (await admin.admin.members.invitations()).find((i) => i.email === "resend@accounts.test")!.id;
    const since = Date.now() - 5;
    expect(await admin.admin.members.resendInvitation({ invitationId: id })).toEqual({ sent: true });
    const second = linkOf(await waitForMail(mailDir(), "resend@accounts.test", since));
    expect(second.token).not.toBe(first.token);
    expect(await anonymous().invitations.preview({ token: first.token })).toBeNull();
    expect(
      await trpcCode(anonymous().invitations.acceptNew({ token: first.token, name: "Old Link", password: STRONG })),
    ).toBe("NOT_FOUND");
    expect(
      await anonymous().invitations.acceptNew({ token: second.token, name: "New Link", password: STRONG }),
    ).toMatchObject({ email: "resend@accounts.test" });
    const { orgs } = await demoIds();
    const actions =
      await ownerSql()`select action from audit_events where org_id = ${orgs.northside} and entity = 'invitation' and entity_id = ${id} order by id`;
    expect(actions.map((a) => a.action)).toEqual(["member.invite", "member.invite_resend", "member.invite_accept"]);
  });

  it("accepting someone else's invitation is refused, by link and by id", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const { users: u, orgs } = await demoIds();
    const { token } = await invite(admin, "house@lakeside.test");
    const id = (await admin.admin.members.invitations()).find((i) => i.email === "house@lakeside.test")!.id;
    const lakeClinician = await callerAs(u.locum, orgs.lakeside);
    expect(await trpcCode(lakeClinician.invitations.accept({ token }))).toBe("FORBIDDEN");
    expect(await trpcCode(lakeClinician.invitations.accept({ invitationId: id }))).toBe("NOT_FOUND");
    expect(await trpcCode(anonymous().invitations.accept({ token }))).toBe("UNAUTHORIZED");
    // A new-account accept of an email that has an account is refused too (house must sign in).
    expect(await trpcCode(anonymous().invitations.acceptNew({ token, name: "Not House", password: STRONG }))).toBe(
      "CONFLICT",
    );
    const [m] =
      await ownerSql()`select status from memberships where user_id = ${u.house} and org_id = ${orgs.northside}`;
    expect(m.status).toBe("invited");
    await admin.admin.members.revokeInvitation({ invitationId: id });
  });

  it("a member of the practice is not invited again", async () => {
    const admin = await callerFor("northAdmin", "northside");
    expect(
      await trpcCode(admin.admin.members.invite({ email: "Grey@Northside.test", name: "Grey", role: "clinician" })),
    ).toBe("CONFLICT");
  });

  it("weak passwords are BAD_REQUEST with zod issues on the password field", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const { token } = await invite(admin, "weak@accounts.test");
    for (const password of ["short", "password12345", "weak@accounts.test!", "Dr. Newcomer 1"]) {
      const res = await http("POST", "invitations.acceptNew", { token, name: "Dr. Newcomer", password });
      expect(res.status, password).toBe(400);
      expect(res.body.error.json.data.code, res.text).toBe("BAD_REQUEST");
      expect(res.body.error.json.data.zodIssues, `${password}: ${res.text}`).not.toBeNull();
      expect(res.body.error.json.data.zodIssues[0].path).toEqual(["password"]);
    }
    const weak = await http("POST", "invitations.acceptNew", {
      token,
      name: "Dr. Newcomer",
      password: "password12345",
    });
    expect(weak.body.error.json.data.zodIssues[0].message).toMatch(/common|guess/i);
    expect(await anonymous().invitations.preview({ token })).not.toBeNull(); // nothing used up
    const { users: u, orgs } = await demoIds();
    const res = await http(
      "POST",
      "me.changePassword",
      { currentPassword: "demo-password", newPassword: "password12345" },
      await cookie(u.grey, orgs.northside),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.json.data.zodIssues[0].path).toEqual(["newPassword"]);
    expect(await trpcCode(anonymous().invitations.preview({ token: "not-a-token" }))).toBe("BAD_REQUEST");
  });
});

describe("the pre-created-account attack, over HTTP", () => {
  const email = "dr.new@lakeside.test";
  let north: string;
  let lake: string;
  beforeAll(async () => {
    const { users: u, orgs } = await demoIds();
    north = await cookie(u.northAdmin, orgs.northside);
    lake = await cookie(u.lakeAdmin, orgs.lakeside);
  });

  it("Northside's admin never holds a credential and nobody reaches Lakeside without the account holder accepting", async () => {
    const { orgs } = await demoIds();
    const since = Date.now() - 5;
    const northNew = await http("POST", "admin.members.invite", { email, name: "Dr. New", role: "clinician" }, north);
    const northExisting = await http(
      "POST",
      "admin.members.invite",
      { email: "house@lakeside.test", name: "Dr. New", role: "clinician" },
      north,
    );
    expect(northNew.status).toBe(200);
    // Identical answers whether or not the email has an account.
    expect(northNew.text).toBe(northExisting.text);
    expect(northNew.body.result.data.json).toEqual({ sent: true });
    const lakeInvite = await http("POST", "admin.members.invite", { email, name: "Dr. New", role: "clinician" }, lake);
    expect(lakeInvite.text).toBe(northNew.text);
    // The mails go out after COMMIT, without the request waiting for them: wait for both.
    await waitForMail(mailDir(), email, since, 2);
    const mails = await mailsTo(mailDir(), email, since);
    expect(mails).toHaveLength(2);
    const [northLink, lakeLink] = mails.map(linkOf);
    // Nothing Northside's admin received (answers, pending list, audit log) carries a token or password.
    // The audit log is read from this test's invitations on: what other test files recorded before
    // (a password change, a reset) is theirs, whichever order the files run in.
    const audit = (await http("GET", "admin.audit.list", { limit: 50 }, north)).body.result.data.json.items as {
      at: string | Date;
    }[];
    const ours = audit.filter((e) => new Date(e.at).getTime() >= since);
    const seenByNorth = [
      northNew.text,
      (await http("GET", "admin.members.invitations", undefined, north)).text,
      JSON.stringify(ours),
    ].join();
    expect(ours.length).toBeGreaterThan(0);
    expect(seenByNorth).not.toContain(northLink.token);
    expect(seenByNorth).not.toContain(lakeLink.token);
    expect(seenByNorth.replace(/"action":"[a-z_.]+"/g, "")).not.toMatch(/password|token/i);
    // No account exists until the person sets a password from a link.
    expect(await ownerSql()`select id from users where email = ${email}`).toHaveLength(0);
    expect((await checkCredentials(runtimeDb(), { email, password: "anything-at-all-123" })).ok).toBe(false);

    // The real dr.new follows Northside's link and sets a password.
    const accepted = await http("POST", "invitations.acceptNew", {
      token: northLink.token,
      name: "Dr. New",
      password: STRONG,
    });
    expect(accepted.status).toBe(200);
    const [user] = await ownerSql()`select id from users where email = ${email}`;
    const memberships =
      await ownerSql()`select org_id, status from memberships where user_id = ${user.id} order by status`;
    expect(memberships.map((m) => [m.org_id, m.status])).toEqual([
      [orgs.lakeside, "invited"],
      [orgs.northside, "active"],
    ]);
    // Signed in, dr.new is in Northside only: Lakeside answers nothing until they accept.
    const inLake = await cookie(user.id, orgs.lakeside);
    expect((await http("GET", "patients.list", {}, inLake)).body.result.data.json.items).toEqual([]);
    expect(
      (await http("POST", "me.switchOrg", { orgId: orgs.lakeside }, await cookie(user.id, orgs.northside))).status,
    ).toBe(403);
    const pending = (await http("GET", "invitations.mine", undefined, inLake)).body.result.data.json;
    expect(pending.map((p: { orgName: string }) => p.orgName)).toEqual(["Lakeside Pediatrics"]);
    // Accepting is the holder's act: then Lakeside's practice opens.
    expect((await http("POST", "invitations.accept", { token: lakeLink.token }, inLake)).status).toBe(200);
    expect((await http("GET", "me.get", undefined, inLake)).body.result.data.json.role).toBe("clinician");
  });

  it("an account someone else pre-created (the old path) cannot accept from the list: only with the emailed link", async () => {
    const { orgs } = await demoIds();
    // What the old "new account with a one-time password" path left behind: a password the other admin knows, email never verified.
    const [legacy] = await ownerSql()`
      insert into users (email, name, password_hash) values ('legacy@accounts.test', 'Legacy', 'x') returning id`;
    await ownerSql()`insert into memberships (user_id, org_id, role) values (${legacy.id}, ${orgs.northside}, 'clinician')`;
    const since = Date.now() - 5;
    await http(
      "POST",
      "admin.members.invite",
      { email: "legacy@accounts.test", name: "Legacy", role: "clinician" },
      lake,
    );
    const link = linkOf(await waitForMail(mailDir(), "legacy@accounts.test", since));
    const attacker = await cookie(legacy.id, orgs.northside); // signed in with the known password
    const pending = (await http("GET", "invitations.mine", undefined, attacker)).body.result.data.json;
    expect(pending).toHaveLength(1);
    const byId = await http("POST", "invitations.accept", { invitationId: pending[0].id }, attacker);
    expect(byId.status).toBe(403);
    const [m] =
      await ownerSql()`select status from memberships where user_id = ${legacy.id} and org_id = ${orgs.lakeside}`;
    expect(m.status).toBe("invited");
    // Whoever reads the mailbox can accept (and that proves the address).
    expect((await http("POST", "invitations.accept", { token: link.token }, attacker)).status).toBe(200);
  });
});

describe("the invitations insert policy, in SQL", () => {
  // The admin's own insert of a pending invitation is the only one allowed: none pre-accepted,
  // pre-revoked or in someone else's name, and none by a clinician.
  const insert = (fields: { invitedBy: string; acceptedBy?: string | null; accepted?: boolean; revoked?: boolean }) =>
    sql`insert into invitations (org_id, email, name, role, token_hash, invited_by, expires_at, accepted_at, accepted_by, revoked_at)
        values (app_org_id(), ${`policy-${randomUUID()}@accounts.test`}, 'Policy Test', 'clinician', ${randomUUID()},
                ${fields.invitedBy}, now() + interval '1 day', ${fields.accepted ? sql`now()` : null},
                ${fields.acceptedBy ?? null}, ${fields.revoked ? sql`now()` : null})`;

  it("only an admin inserts, in their own name, an invitation still pending", async () => {
    const { users: u } = await demoIds();
    const refused = await asUser("northAdmin", "northside", async (tx) => {
      const codes: Record<string, string> = {};
      const attempts = {
        "another inviter": insert({ invitedBy: u.grey }),
        "already accepted": insert({ invitedBy: u.northAdmin, accepted: true }),
        "accepted by someone": insert({ invitedBy: u.northAdmin, acceptedBy: u.grey }),
        "already revoked": insert({ invitedBy: u.northAdmin, revoked: true }),
      };
      for (const [what, statement] of Object.entries(attempts))
        codes[what] = (await pgError(tx.transaction((sp) => sp.execute(statement)))).code;
      await tx.execute(insert({ invitedBy: u.northAdmin }));
      return codes;
    });
    expect(refused).toEqual({
      "another inviter": "42501",
      "already accepted": "42501",
      "accepted by someone": "42501",
      "already revoked": "42501",
    });
    const byClinician = await asUser("grey", "northside", (tx) => pgError(tx.execute(insert({ invitedBy: u.grey }))));
    expect(byClinician.code).toBe("42501");
  });
});
