import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { createRemoteJWKSet, customFetch, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { custom } from "openid-client";
import { getAuthDb, type Db } from "@/server/db/client";
import { withoutIdentity } from "@/server/db/context";
import { recheckDomain } from "@/server/sso/domains";
import { decryptSecret, ssoPurpose } from "./mfa-crypto";
import { discover, type SsoEndpoints } from "./sso-discovery";
import { openidHttpOptions, SSO_DEADLINE_MS, ssoJwksFetch } from "./sso-fetch";
import { hashToken, newToken } from "./tokens";

/**
 * Single sign-on through a practice's OpenID Connect provider. Providers are per
 * practice and live in the database (org_sso), so the next-auth route builds its options per
 * request (app/api/auth/[...nextauth]/route.ts). Provider id: `sso-<practice slug>`; redirect URI
 * `<NEXTAUTH_URL>/api/auth/callback/sso-<slug>`.
 *
 * next-auth (openid-client) runs the authorization code flow with PKCE, `state` and `nonce`, and
 * validates the id_token (signature from the issuer's JWKS, `iss`, `aud` = client id, `exp`,
 * `nonce`). The signIn callback then checks the claims again with `jose` (validateIdToken) and
 * applies the practice's rules (ssoDecision): a verified email, in one of the practice's domains,
 * of an account that is an ACTIVE member (or holds a pending invitation there, accepted now).
 */
export const SSO_PREFIX = "sso-";

export type SsoProviderRow = {
  org_id: string;
  org_name: string;
  org_slug: string;
  issuer: string;
  client_id: string;
  client_secret_enc: string;
};

export const domainOf = (email: string) => email.trim().toLowerCase().split("@").pop() ?? "";

/** The practice's provider for an email's domain (app_sso_for_domain(): no context exists before sign-in). */
export async function ssoForDomain(db: Db, domain: string): Promise<SsoProviderRow | null> {
  if (!domain) return null;
  return withoutIdentity(db, async (tx) => {
    const [row] = await tx.execute<SsoProviderRow>(sql`select * from app_sso_for_domain(${domain.toLowerCase()})`);
    return row ?? null;
  });
}

/** The provider by its next-auth id (`sso-<slug>`). */
export async function ssoByProviderId(
  db: Db,
  providerId: string,
): Promise<(SsoProviderRow & { domains: string[] }) | null> {
  if (!providerId.startsWith(SSO_PREFIX)) return null;
  const slug = providerId.slice(SSO_PREFIX.length);
  if (!/^[a-z0-9-]{1,64}$/.test(slug)) return null;
  return withoutIdentity(db, async (tx) => {
    const [row] = await tx.execute<SsoProviderRow & { domains: string[] }>(sql`select * from app_sso_by_slug(${slug})`);
    return row ?? null;
  });
}

/**
 * next-auth's OIDC provider for one practice, with the endpoints our own discovery checked
 * (sso-discovery.ts): no `wellKnown`, so openid-client never discovers or follows anything itself.
 */
export function oidcProvider(row: SsoProviderRow, endpoints: SsoEndpoints): OAuthConfig<Record<string, unknown>> {
  return {
    id: `${SSO_PREFIX}${row.org_slug}`,
    name: `${row.org_name} sign-in`,
    type: "oauth",
    issuer: endpoints.issuer,
    authorization: { url: endpoints.authorization, params: { scope: "openid email profile" } },
    token: {
      url: endpoints.token,
      // openid-client's token request and its key fetch, through the SSO agents (sso-fetch.ts).
      async request({ client, params, checks, provider }) {
        client[custom.http_options] = openidHttpOptions;
        client.issuer[custom.http_options] = openidHttpOptions;
        return { tokens: await client.callback(provider.callbackUrl, params, checks) };
      },
    },
    jwks_endpoint: endpoints.jwks,
    clientId: row.client_id,
    clientSecret: decryptSecret(row.client_secret_enc, ssoPurpose(row.org_id)),
    idToken: true,
    checks: ["pkce", "state", "nonce"],
    client: { token_endpoint_auth_method: "client_secret_basic" },
    profile(claims) {
      return {
        id: String(claims.sub),
        email: typeof claims.email === "string" ? claims.email : null,
        name: typeof claims.name === "string" ? claims.name : null,
      };
    },
  };
}

/**
 * Verifies an id_token with `jose`: signature against the issuer's keys, `iss`, `aud` (must include
 * our client id; `azp` must be it when several audiences), `exp`/`nbf`/`iat` (60 s leeway) and, when
 * given, `nonce`. Throws on anything wrong.
 */
export async function validateIdToken(
  idToken: string,
  opts: { issuer: string; clientId: string; keys: JWTVerifyGetKey; nonce?: string },
): Promise<JWTPayload> {
  const { payload } = await jwtVerify(idToken, opts.keys, {
    issuer: opts.issuer,
    audience: opts.clientId,
    clockTolerance: 60,
    algorithms: ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"],
    requiredClaims: ["iss", "aud", "exp", "iat", "sub"],
  });
  if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== opts.clientId)
    throw new Error("id_token azp is not this client");
  if (opts.nonce !== undefined && payload.nonce !== opts.nonce) throw new Error("id_token nonce mismatch");
  return payload;
}

/** How long after a fetch of an issuer's key set an unknown `kid` waits before the set is fetched again. */
export const JWKS_COOLDOWN_MS = 60_000;
const keySets = new Map<string, JWTVerifyGetKey>();
/**
 * The issuer's keys (its discovery document's jwks_uri), fetched through the SSO checks. A token
 * signed with a key we do not know yet (rotation) fetches the set again, at most once a minute.
 */
export async function issuerKeys(issuer: string): Promise<JWTVerifyGetKey> {
  const { jwks } = await discover(issuer);
  let keys = keySets.get(jwks);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(jwks), {
      [customFetch]: ssoJwksFetch,
      timeoutDuration: SSO_DEADLINE_MS,
      cooldownDuration: JWKS_COOLDOWN_MS,
      cacheMaxAge: 10 * 60_000,
    });
    keySets.set(jwks, keys);
  }
  return keys;
}
export type SsoRefusal = "SsoUnverified" | "SsoNotMember" | "SsoFailed";

/** Whether the claims show a verified email: `email_verified: true` (Google, most IdPs) or Entra ID's `xms_edov: true`. */
export const emailVerified = (claims: JWTPayload) =>
  claims.email_verified === true || claims.email_verified === "true" || claims.xms_edov === true;

export type SsoDecision =
  | { ok: true; userId: string; email: string; created: boolean }
  | { ok: false; reason: SsoRefusal }
  /** An account with this email exists and this identity is not linked to it: it must prove itself first. */
  | { ok: false; reason: "SsoLinkRequired"; userId: string; email: string };

/**
 * The practice's rules for an id_token that already passed validation: a verified email in one of
 * the practice's verified domains, then the database decides (app_sso_sign_in, on the sign-in
 * path's pool): an identity linked to an active member (or one the practice invited) signs in; an
 * invited email with no account gets a new account linked to this identity; an existing account
 * this identity is not linked to is never signed in — it must prove itself (password and second
 * factor) before the link exists. SSO never takes over an account it did not create.
 */
export async function ssoDecision(
  provider: SsoProviderRow & { domains: string[] },
  claims: JWTPayload,
): Promise<SsoDecision> {
  const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : "";
  if (!email || !emailVerified(claims)) return { ok: false, reason: "SsoUnverified" };
  const domain = domainOf(email);
  if (!provider.domains.includes(domain) || !(await recheckDomain(provider.org_id, domain)))
    return { ok: false, reason: "SsoNotMember" };
  const subject = typeof claims.sub === "string" ? claims.sub : "";
  if (!subject) return { ok: false, reason: "SsoFailed" };
  const name = typeof claims.name === "string" ? claims.name.slice(0, 200) : "";
  const [row] = await getAuthDb().execute<{ outcome: string; user_id: string | null }>(
    sql`select * from app_sso_sign_in(${provider.org_id}::uuid, ${provider.issuer}, ${subject}, ${email}, ${name}, ${randomUUID()})`,
  );
  if (row?.user_id && (row.outcome === "signed_in" || row.outcome === "created"))
    return { ok: true, userId: row.user_id, email, created: row.outcome === "created" };
  if (row?.user_id && row.outcome === "needs_link")
    return { ok: false, reason: "SsoLinkRequired", userId: row.user_id, email };
  return { ok: false, reason: "SsoNotMember" };
}

/**
 * Holds the assertion for an existing account for 10 minutes and answers the one-time token the
 * sign-in form carries back (only its hash is stored).
 */
export async function beginSsoLink(
  provider: SsoProviderRow,
  claims: JWTPayload,
  decision: { userId: string; email: string },
): Promise<string> {
  const { token, hash } = newToken();
  await getAuthDb().execute(
    sql`select app_sso_link_begin(${provider.org_id}::uuid, ${provider.issuer}, ${String(claims.sub)}, ${decision.email}, ${decision.userId}::uuid, ${hash})`,
  );
  return token;
}

export interface LinkedIdentity {
  orgId: string;
  orgName: string;
  /** The account's address (the announcement goes there). */
  email: string;
  /** The account is an active member of that practice now (the session may start there). */
  active: boolean;
}

/** After the account's password and second factor: links the held identity. Null when the token is not valid for this user. */
export async function completeSsoLink(token: string, userId: string): Promise<LinkedIdentity | null> {
  const [row] = await getAuthDb().execute<{ org_id: string; org_name: string; email: string; active: boolean }>(
    sql`select * from app_sso_link_complete(${hashToken(token)}, ${userId}::uuid, ${randomUUID()})`,
  );
  return row ? { orgId: row.org_id, orgName: row.org_name, email: row.email, active: row.active } : null;
}
