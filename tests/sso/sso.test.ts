import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptSecret, ssoPurpose } from "@/server/auth/mfa-crypto";
import { authOptions, authOptionsFor } from "@/server/auth/options";
import { completeSsoLink, ssoByProviderId } from "@/server/auth/sso";
import { callerFor, demoIds, ownerSql, runtimeDb, trpcCode } from "@/tests/helpers/db";
import { waitForMail } from "@/tests/helpers/mailbox";
import { nextDemoCode } from "@/tests/helpers/totp";

// The SSO callback against id_tokens signed here with jose, served by a minimal issuer on a
// loopback port (discovery + JWKS): wrong audience, expired, bad signature, wrong issuer, unsigned —
// all refused; an unverified email and a non-member refused; a pending invitation accepted.

const CLIENT_ID = "careroster-vitest";
let server: Server;
let issuer: string;
let signingKey: CryptoKey;
let otherKey: CryptoKey;
let publicJwk: JWK;

async function token(
  claims: Record<string, unknown>,
  opts: { key?: CryptoKey; exp?: number; aud?: string | string[]; iss?: string } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email_verified: true, ...claims })
    .setProtectedHeader({ alg: "RS256", kid: "k1" })
    .setIssuer(opts.iss ?? issuer)
    .setAudience(opts.aud ?? CLIENT_ID)
    .setSubject(String(claims.sub ?? "idp-user"))
    .setIssuedAt(now - 10)
    .setExpirationTime(opts.exp ?? now + 300)
    .sign(opts.key ?? signingKey);
}

/** The signIn callback of the request /api/auth/callback/sso-northside, as next-auth calls it after its own checks. */
async function callback(idToken: string) {
  const options = await authOptionsFor(["callback", "sso-northside"], new Headers({ "user-agent": "vitest" }));
  const user: Record<string, unknown> = { id: "idp-user" };
  try {
    const answer = await options.callbacks!.signIn!({
      user: user as never,
      account: { provider: "sso-northside", type: "oauth", providerAccountId: "idp-user", id_token: idToken },
    });
    if (typeof answer === "string") return { ok: false as const, redirect: new URL(answer, "http://localhost") };
    return { ok: true as const, user };
  } catch (err) {
    return { ok: false as const, error: (err as Error).message };
  }
}

/** The sign-in form's credentials POST, as next-auth hands it to the credentials provider. */
function signInForm(credentials: Record<string, string>) {
  const provider = authOptions.providers[0] as unknown as {
    options: { authorize(c: Record<string, string>, req: { headers: Record<string, string> }): Promise<unknown> };
  };
  return provider.options.authorize(credentials, { headers: { "user-agent": "vitest" } });
}

/** The one-time link token of an SSO answer that asks the account to prove itself first. */
function linkToken(result: Awaited<ReturnType<typeof callback>>) {
  expect(result).toMatchObject({ ok: false, redirect: expect.any(URL) });
  const url = (result as { redirect: URL }).redirect;
  expect(url.pathname).toBe("/login");
  return url.searchParams.get("link")!;
}

// Sessions other test files started for the demo users (SSO sessions among them) are theirs.
const fileStarted = new Date();
/** SSO sessions of a user started by this file. */
const ssoSessions = async (userId: string) =>
  (
    await ownerSql()`select count(*)::int as n from sessions
      where user_id = ${userId} and sso_org_id is not null and created_at >= ${fileStarted}`
  )[0].n;

describe("SSO id_token validation and the practice's rules", () => {
  beforeAll(async () => {
    process.env.CAREROSTER_SSO_ALLOW_HTTP_LOOPBACK = "1"; // the issuer below is plain http on loopback
    const issuerPair = await generateKeyPair("RS256");
    signingKey = issuerPair.privateKey;
    otherKey = (await generateKeyPair("RS256")).privateKey; // an attacker's key, never published
    const publicKey = issuerPair.publicKey;
    publicJwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
    server = createServer((req, res) => {
      res.setHeader("content-type", "application/json");
      if (req.url === "/.well-known/openid-configuration")
        res.end(
          JSON.stringify({
            issuer,
            authorization_endpoint: `${issuer}/auth`,
            token_endpoint: `${issuer}/token`,
            jwks_uri: `${issuer}/jwks`,
          }),
        );
      else if (req.url === "/jwks") res.end(JSON.stringify({ keys: [publicJwk] }));
      else res.writeHead(404).end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { orgs } = await demoIds();
    await ownerSql()`insert into org_sso (org_id, issuer, client_id, client_secret_enc)
      values (${orgs.northside}, ${issuer}, ${CLIENT_ID}, ${encryptSecret("s3cret", ssoPurpose(orgs.northside))})`;
    // The domains, verified through the operator path (tests/sso/sso-domains.test.ts covers DNS).
    await ownerSql()`select app_sso_domain_mark(${orgs.northside}, d, 'operator') from unnest(${["northside.test", "careroster.test"]}::text[]) d`;
  });
  afterAll(async () => {
    const { orgs } = await demoIds();
    await ownerSql()`delete from org_sso_domains where org_id = ${orgs.northside}`;
    await ownerSql()`delete from org_sso where org_id = ${orgs.northside}`;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("the provider is found by id; its secret is stored only encrypted", async () => {
    const row = await ssoByProviderId(runtimeDb(), "sso-northside");
    expect(row).toMatchObject({ issuer, client_id: CLIENT_ID, domains: ["careroster.test", "northside.test"] });
    expect(row!.client_secret_enc).not.toContain("s3cret");
    expect(await ssoByProviderId(runtimeDb(), "sso-lakeside")).toBeNull();
  });

  it("an existing account is never signed in by SSO until it proves itself; then the link is audited and SSO signs it in", async () => {
    const { users, orgs } = await demoIds();
    // Grey has a password account: the practice's provider alone does not open a session for her.
    const first = await callback(await token({ email: "grey@northside.test", sub: "grey-at-idp" }));
    const link = linkToken(first);
    expect(await ssoSessions(users.grey)).toBe(0);
    // The token is single use and only for the account it names.
    expect(await completeSsoLink(link, users.shepherd)).toBeNull();
    expect(await completeSsoLink(link, users.grey)).toBeNull();
    // Grey proves herself on the sign-in form: password and second factor, with the link token.
    const again = linkToken(await callback(await token({ email: "grey@northside.test", sub: "grey-at-idp" })));
    const since = Date.now();
    const credentials = { email: "grey@northside.test", password: "demo-password", link: again };
    await expect(signInForm({ ...credentials, totp: "000000" })).rejects.toThrow("TotpInvalid");
    const proved = await signInForm({ ...credentials, totp: await nextDemoCode("grey@northside.test") });
    expect(proved).toMatchObject({ id: users.grey, orgId: orgs.northside, method: "totp" });
    const mail = await waitForMail(process.env.CAREROSTER_MAIL_DIR!, "grey@northside.test", since);
    expect(mail.subject).toBe("Northside Family Clinic's sign-in was linked to your CareRoster account");
    const [linked] =
      await ownerSql()`select linked_via from user_identities where user_id = ${users.grey} and subject = 'grey-at-idp'`;
    expect(linked.linked_via).toBe("proof");
    const [audited] =
      await ownerSql()`select org_id, detail from audit_events where actor_id = ${users.grey} and action = 'auth.sso_link' order by id desc limit 1`;
    expect(audited).toMatchObject({ org_id: orgs.northside, detail: { issuer } });
    // Now the same identity signs in, in Northside only.
    const result = await callback(await token({ email: "grey@northside.test", sub: "grey-at-idp" }));
    expect(result).toMatchObject({ ok: true, user: { id: users.grey, orgId: orgs.northside, method: "sso" } });
    const [session] =
      await ownerSql()`select user_id, org_id, sso_org_id, methods, user_agent from sessions where id = ${String(result.ok && result.user.sid)}`;
    expect(session).toMatchObject({
      user_id: users.grey,
      org_id: orgs.northside,
      sso_org_id: orgs.northside,
      methods: [],
      user_agent: "vitest",
    });
    await authOptionsFor(undefined, new Headers()).then((o) =>
      o.events!.signIn!({
        user: result.ok ? (result.user as never) : (null as never),
        account: { provider: "sso-northside", type: "oauth", providerAccountId: "x" },
      }),
    );
    const [row] =
      await ownerSql()`select detail from audit_events where actor_id = ${users.grey} and action = 'auth.sign_in' order by id desc limit 1`;
    expect(row.detail).toMatchObject({ method: "sso", provider: "sso-northside" });
    // Another subject asserting the same email is not the linked identity: it must prove itself again.
    linkToken(await callback(await token({ email: "grey@northside.test", sub: "someone-else" })));
    // Only Grey sees and unlinks her links: a colleague, or another practice's admin, finds nothing.
    const grey = await callerFor("grey", "northside");
    const [mine] = await grey.me.identities();
    expect(mine).toMatchObject({ practice: "Northside Family Clinic", linkedVia: "proof" });
    for (const [user, org] of [
      ["shepherd", "northside"],
      ["northAdmin", "northside"],
      ["lakeAdmin", "lakeside"],
    ] as const) {
      const other = await callerFor(user, org);
      expect(await other.me.identities()).toEqual([]);
      expect(await trpcCode(other.me.unlinkIdentity({ id: mine.id }))).toBe("NOT_FOUND");
    }
    expect(await trpcCode(grey.me.unlinkIdentity({ id: "not-a-uuid" }))).toBe("BAD_REQUEST");
    expect(await grey.me.unlinkIdentity({ id: mine.id })).toEqual({ unlinked: true });
    const [unlinked] =
      await ownerSql()`select detail from audit_events where actor_id = ${users.grey} and action = 'auth.sso_unlink' order by id desc limit 1`;
    expect(unlinked.detail).toMatchObject({ issuer, practiceId: orgs.northside });
    expect(await grey.me.identities()).toEqual([]);
  });

  it("refuses an id_token for another audience, an expired one, one with a bad signature, another issuer's, and an unsigned one", async () => {
    expect(await callback(await token({ email: "grey@northside.test" }, { aud: "someone-else" }))).toEqual({
      ok: false,
      error: "SsoFailed",
    });
    expect(
      await callback(await token({ email: "grey@northside.test" }, { exp: Math.floor(Date.now() / 1000) - 600 })),
    ).toEqual({ ok: false, error: "SsoFailed" });
    expect(await callback(await token({ email: "grey@northside.test" }, { key: otherKey }))).toEqual({
      ok: false,
      error: "SsoFailed",
    });
    expect(await callback(await token({ email: "grey@northside.test" }, { iss: "https://evil.example" }))).toEqual({
      ok: false,
      error: "SsoFailed",
    });
    const [h, p] = (await token({ email: "grey@northside.test" })).split(".");
    const none = `${Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url")}.${p}.`;
    expect(await callback(none)).toEqual({ ok: false, error: "SsoFailed" });
    expect(await callback(`${h}.${p}.${"A".repeat(342)}`)).toEqual({ ok: false, error: "SsoFailed" });
  });

  it("refuses an unverified email, another practice's user and an account that is not a member; never creates an account", async () => {
    const before = (await ownerSql()`select count(*)::int as n from users`)[0].n;
    expect(await callback(await token({ email: "grey@northside.test", email_verified: false }))).toEqual({
      ok: false,
      error: "SsoUnverified",
    });
    expect(await callback(await token({ email: "grey@northside.test", email_verified: undefined }))).toEqual({
      ok: false,
      error: "SsoUnverified",
    });
    expect(await callback(await token({ email: "house@lakeside.test" }))).toEqual({ ok: false, error: "SsoNotMember" });
    expect(await callback(await token({ email: "nobody@northside.test" }))).toEqual({
      ok: false,
      error: "SsoNotMember",
    });
    expect((await ownerSql()`select count(*)::int as n from users`)[0].n).toBe(before);
  });

  it("an invitation through SSO creates a new account; an existing account invited here must prove itself first", async () => {
    const { users, orgs } = await demoIds();
    const sql = ownerSql();
    const invite = (
      email: string,
    ) => sql`insert into invitations (org_id, email, name, role, token_hash, invited_by, expires_at)
      values (${orgs.northside}, ${email}, 'Sso Invitee', 'clinician', ${"sso-test-" + email}, ${users.northAdmin}, now() + interval '1 day')`;
    // A new person: the provider creates the account (no password), linked to this identity.
    await invite("sso-new@careroster.test");
    const created = await callback(await token({ email: "sso-new@careroster.test", sub: "new-at-idp" }));
    expect(created).toMatchObject({ ok: true, user: { orgId: orgs.northside } });
    const [u] = await sql`select id, password_hash from users where email = 'sso-new@careroster.test'`;
    expect(u.password_hash).toBeNull();
    const [m] = await sql`select status from memberships where user_id = ${u.id} and org_id = ${orgs.northside}`;
    expect(m.status).toBe("active");
    const [i] = await sql`select linked_via from user_identities where user_id = ${u.id}`;
    expect(i.linked_via).toBe("invitation");
    await sql`update memberships set status = 'suspended' where user_id = ${u.id}`;
    expect(await callback(await token({ email: "sso-new@careroster.test", sub: "new-at-idp" }))).toEqual({
      ok: false,
      error: "SsoNotMember",
    });
    // The takeover: Northside invites Lakeside's House and locum (both existing accounts) and its
    // provider asserts their addresses. Nothing is accepted and no session starts.
    for (const [email, user] of [
      ["house@lakeside.test", users.house],
      ["locum@careroster.test", users.locum],
    ] as const) {
      await invite(email);
      const answer = await callback(await token({ email, sub: `attacker-${email}` }));
      if (email === "house@lakeside.test") expect(answer).toEqual({ ok: false, error: "SsoNotMember" });
      else linkToken(answer);
      expect(await ssoSessions(user)).toBe(0);
      const [held] = await sql`select count(*)::int as n from user_identities where user_id = ${user}`;
      expect(held.n).toBe(0);
    }
    const [still] =
      await sql`select count(*)::int as n from memberships where user_id = ${users.house} and org_id = ${orgs.northside}`;
    expect(still.n).toBe(0);
    // Leaves the demo practice's member list as the other test files expect it.
    await sql`delete from invitations where token_hash like 'sso-test-%'`;
    await sql`delete from user_identities where user_id = ${u.id}`;
    await sql`delete from memberships where user_id = ${u.id}`;
    await sql`delete from sessions where user_id = ${u.id}`;
    await sql`delete from audit_events where actor_id = ${u.id}`;
    await sql`delete from users where id = ${u.id}`;
  });
});
