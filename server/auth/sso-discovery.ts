import { env } from "@/server/env";
import { checkSsoUrl, ssoGet, SsoFetchError } from "./sso-fetch";

/** What sign-in uses of an issuer's discovery document (userinfo is not: the claims come from the id_token). */
export interface SsoEndpoints {
  issuer: string;
  authorization: string;
  token: string;
  jwks: string;
}

const FRESH_MS = 5 * 60_000;
/** A failure is remembered briefly, so visitors cannot make us ask a broken issuer again on every click. */
const FAILED_MS = 15_000;
const cache = new Map<string, { until: number; result: Promise<SsoEndpoints> }>();

/**
 * The issuer's endpoints, from `<issuer>/.well-known/openid-configuration`: cached 5 minutes, and
 * one fetch at a time per issuer (callers share it). The issuer is only ever the one a practice
 * admin stored; a visitor picks a practice, never a URL.
 */
export function discover(issuer: string): Promise<SsoEndpoints> {
  const now = Date.now();
  const hit = cache.get(issuer);
  if (hit && hit.until > now) return hit.result;
  for (const [key, entry] of cache) if (entry.until <= now) cache.delete(key);
  const entry = { until: Infinity, result: fetchEndpoints(issuer) };
  cache.set(issuer, entry);
  entry.result.then(
    () => (entry.until = Date.now() + FRESH_MS),
    () => (entry.until = Date.now() + FAILED_MS),
  );
  return entry.result;
}

async function fetchEndpoints(issuer: string): Promise<SsoEndpoints> {
  const body = await ssoGet(`${issuer}/.well-known/openid-configuration`);
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(body.toString("utf8"));
  } catch {
    throw new SsoFetchError("invalid");
  }
  if (!doc || doc.issuer !== issuer) throw new SsoFetchError("invalid");
  const origin = new URL(issuer).origin;
  return {
    issuer,
    authorization: endpoint(doc.authorization_endpoint, origin),
    token: endpoint(doc.token_endpoint, origin),
    jwks: endpoint(doc.jwks_uri, origin),
  };
}

/** A URL the document names: on the issuer's own origin, or on one the operator allowed. */
function endpoint(value: unknown, issuerOrigin: string): string {
  if (typeof value !== "string") throw new SsoFetchError("invalid");
  const url = checkSsoUrl(value);
  if (url.origin !== issuerOrigin && !env().CAREROSTER_SSO_ALLOWED_ORIGINS.includes(url.origin))
    throw new SsoFetchError("origin");
  return url.href;
}
