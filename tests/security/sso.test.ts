import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptSecret, ssoPurpose } from "../../server/auth/mfa-crypto";
import { authOptionsFor } from "../../server/auth/options";
import { ssoByProviderId } from "../../server/auth/sso";
import { demoIds, ownerSql, runtimeDb } from "../helpers/db";

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
    await options.callbacks!.signIn!({
      user: user as never,
      account: { provider: "sso-northside", type: "oauth", providerAccountId: "idp-user", id_token: idToken },
    });
    return { ok: true as const, user };
  } catch (err) {
    return { ok: false as const, error: (err as Error).message };
  }
}

describe("SSO id_token validation and the practice's rules", () => {
  beforeAll(async () => {
    const issuerPair = await generateKeyPair("RS256");
    signingKey = issuerPair.privateKey;
    otherKey = (await generateKeyPair("RS256")).privateKey; // an attacker's key, never published
    const publicKey = issuerPair.publicKey;
    publicJwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
    server = createServer((req, res) => {
      res.setHeader("content-type", "application/json");
      if (req.url === "/.well-known/openid-configuration")
        res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
      else if (req.url === "/jwks") res.end(JSON.stringify({ keys: [publicJwk] }));
      else res.writeHead(404).end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { orgs } = await demoIds();
    await ownerSql()`insert into org_sso (org_id, issuer, client_id, client_secret_enc)
      values (${orgs.northside}, ${issuer}, ${CLIENT_ID}, ${encryptSecret("s3cret", ssoPurpose(orgs.northside))})`;
    // The domains, verified through the operator path (tests/security/sso-domains.test.ts covers DNS).
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

  it("a valid id_token of an active member signs in, with a sessions row (method sso) and an audit row naming the method", async () => {
    const { users, orgs } = await demoIds();
    const result = await callback(await token({ email: "grey@northside.test" }));
    expect(result).toMatchObject({ ok: true, user: { id: users.grey, orgId: orgs.northside, method: "sso" } });
    const [session] =
      await ownerSql()`select user_id, method, user_agent from sessions where id = ${String(result.ok && result.user.sid)}`;
    expect(session).toMatchObject({ user_id: users.grey, method: "sso", user_agent: "vitest" });
    await authOptionsFor(undefined, new Headers()).then((o) =>
      o.events!.signIn!({
        user: result.ok ? (result.user as never) : (null as never),
        account: { provider: "sso-northside", type: "oauth", providerAccountId: "x" },
      }),
    );
    const [row] =
      await ownerSql()`select detail from audit_events where actor_id = ${users.grey} and action = 'auth.sign_in' order by id desc limit 1`;
    expect(row.detail).toMatchObject({ method: "sso", provider: "sso-northside" });
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

  it("an account holding a pending invitation to the practice accepts it by signing in; suspended members stay out", async () => {
    const { users, orgs } = await demoIds();
    const sql = ownerSql();
    const [u] =
      await sql`insert into users (email, name, password_hash) values ('sso-invitee@careroster.test', 'Sso Invitee', 'x') returning id`;
    await sql`insert into memberships (user_id, org_id, role, status) values (${u.id}, ${orgs.northside}, 'clinician', 'invited')`;
    await sql`insert into invitations (org_id, email, name, role, token_hash, invited_by, expires_at)
      values (${orgs.northside}, 'sso-invitee@careroster.test', 'Sso Invitee', 'clinician', ${"sso-test-" + u.id}, ${users.northAdmin}, now() + interval '1 day')`;
    expect(await callback(await token({ email: "sso-invitee@careroster.test" }))).toMatchObject({
      ok: true,
      user: { id: u.id },
    });
    const [m] = await sql`select status from memberships where user_id = ${u.id} and org_id = ${orgs.northside}`;
    expect(m.status).toBe("active");
    await sql`update memberships set status = 'suspended' where user_id = ${u.id}`;
    expect(await callback(await token({ email: "sso-invitee@careroster.test" }))).toEqual({
      ok: false,
      error: "SsoNotMember",
    });
    // Leaves the demo practice's member list as the other test files expect it.
    await sql`delete from memberships where user_id = ${u.id}`;
  });
});
