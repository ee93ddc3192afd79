import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { SignJWT } from "jose";
import { normalizeScope } from "@/lib/smart-scopes";
import { hashToken, newToken } from "@/server/auth/tokens";
import { textArray } from "@/server/db/arrays";
import type { Db } from "@/server/db/client";
import { s256 } from "./authorize";
import { ACCESS_TOKEN_SECONDS, ID_TOKEN_SECONDS, REFRESH_TOKEN_SECONDS, idTokenKey } from "./config";
import { appUrl } from "@/server/mail";

/*
 * The token and revocation endpoints (RFC 6749 §3.2, §6; RFC 7636; RFC 7009), on web Requests.
 * Everything that decides runs in one definer function per call on the sign-in login
 * (drizzle/0027_smart_apps.sql), which audits each answer about a known code or token.
 */

/** Apps call these from their own origin (a browser app's fetch): no cookies are read here. */
export const SMART_CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "POST, OPTIONS",
  "Access-Control-Allow-Headers": "Authorization, Content-Type",
  "Access-Control-Max-Age": "600",
};

const json = (body: unknown, status = 200, extra: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: {
      "Content-Type": "application/json",
      "Cache-Control": "no-store",
      Pragma: "no-cache",
      ...SMART_CORS,
      ...extra,
    },
  });

const oauthError = (error: string, description: string) =>
  json(
    { error, error_description: description },
    error === "invalid_client" ? 401 : 400,
    error === "invalid_client" ? { "WWW-Authenticate": 'Basic realm="careroster"' } : {},
  );

interface ClientAuth {
  clientId: string;
  secretHash: string | null;
}

/** client_secret_basic (form-encoded id and secret, RFC 6749 §2.3.1), client_secret_post, or a public client's id. */
function clientAuth(request: Request, form: URLSearchParams): ClientAuth | null {
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(request.headers.get("authorization") ?? "");
  if (basic) {
    const decoded = Buffer.from(basic[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 1) return null;
    try {
      const id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " "));
      const secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, " "));
      if (form.get("client_id") && form.get("client_id") !== id) return null;
      return { clientId: id, secretHash: hashToken(secret) };
    } catch {
      return null;
    }
  }
  const id = form.get("client_id");
  if (!id) return null;
  const secret = form.get("client_secret");
  return { clientId: id, secretHash: secret ? hashToken(secret) : null };
}

async function formOf(request: Request): Promise<URLSearchParams | null> {
  if (!(request.headers.get("content-type") ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    return null;
  }
  const text = await request.text();
  if (text.length > 16_384) return null;
  return new URLSearchParams(text);
}

const interval = (seconds: number) => `${seconds} seconds`;

/** What a grant answers: the tokens, and the launch context SMART apps read from the response. */
async function tokenResponse(opts: {
  clientId: string;
  userId: string;
  scopes: string[];
  patientId: string | null;
  access: string;
  refresh: string | null;
  nonce?: string | null;
}) {
  const body: Record<string, unknown> = {
    access_token: opts.access,
    token_type: "Bearer",
    expires_in: ACCESS_TOKEN_SECONDS,
    scope: opts.scopes.join(" "),
  };
  if (opts.refresh) body.refresh_token = opts.refresh;
  if (opts.patientId) body.patient = opts.patientId;
  if (opts.scopes.includes("openid")) {
    const { privateKey, publicJwk } = await idTokenKey();
    const claims: Record<string, unknown> = {};
    if (opts.scopes.includes("fhirUser")) claims.fhirUser = `Practitioner/${opts.userId}`;
    if (opts.nonce) claims.nonce = opts.nonce;
    body.id_token = await new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", kid: publicJwk.kid, typ: "JWT" })
      .setIssuer(appUrl())
      .setSubject(opts.userId)
      .setAudience(opts.clientId)
      .setIssuedAt()
      .setExpirationTime(`${ID_TOKEN_SECONDS}s`)
      .sign(privateKey);
  }
  return json(body);
}

type GrantRow = {
  error: string | null;
  user_id: string;
  org_id: string;
  session_id: string;
  scopes: string[];
  patient_id: string | null;
  nonce?: string | null;
};

const REFUSALS: Record<string, string> = {
  invalid_grant: "the code or refresh token is not valid (unknown, used, expired, or its access has ended)",
  invalid_client: "client authentication failed",
  invalid_scope: "a refresh cannot ask for scopes beyond the original grant",
};

/** POST /api/smart/token */
export async function tokenEndpoint(db: Db, request: Request): Promise<Response> {
  const form = await formOf(request);
  if (!form) return oauthError("invalid_request", "send application/x-www-form-urlencoded parameters");
  const client = clientAuth(request, form);
  if (!client) return oauthError("invalid_client", "client_id is required");
  const requestId = randomUUID();
  const grantType = form.get("grant_type");
  const access = newToken();
  const refresh = newToken();
  let row: GrantRow;
  if (grantType === "authorization_code") {
    const code = form.get("code");
    const redirectUri = form.get("redirect_uri");
    if (!code || !redirectUri) return oauthError("invalid_request", "code and redirect_uri are required");
    const verifier = form.get("code_verifier") ?? "";
    // A missing or malformed verifier still reaches the code, which it then burns (and audits).
    const challenge = /^[A-Za-z0-9._~-]{43,128}$/.test(verifier) ? s256(verifier) : "";
    [row] = await db.execute<GrantRow>(
      sql`select * from app_smart_exchange_code(${hashToken(code)}, ${client.clientId}, ${client.secretHash},
            ${redirectUri}, ${challenge}, ${access.hash}, ${interval(ACCESS_TOKEN_SECONDS)}::interval,
            ${refresh.hash}, ${interval(REFRESH_TOKEN_SECONDS)}::interval, ${requestId})`,
    );
  } else if (grantType === "refresh_token") {
    const presented = form.get("refresh_token");
    if (!presented) return oauthError("invalid_request", "refresh_token is required");
    const asked = form.get("scope");
    const scopes =
      asked === null
        ? null
        : [
            ...new Set(
              asked
                .split(/\s+/)
                .filter(Boolean)
                .map((s) => normalizeScope(s) ?? s),
            ),
          ];
    [row] = await db.execute<GrantRow>(
      sql`select * from app_smart_refresh(${hashToken(presented)}, ${client.clientId}, ${client.secretHash},
            ${scopes ? textArray(scopes) : sql`null::text[]`}, ${access.hash}, ${interval(ACCESS_TOKEN_SECONDS)}::interval,
            ${refresh.hash}, ${interval(REFRESH_TOKEN_SECONDS)}::interval, ${requestId})`,
    );
  } else {
    return oauthError("unsupported_grant_type", "grant_type must be authorization_code or refresh_token");
  }
  if (row.error) return oauthError(row.error, REFUSALS[row.error] ?? row.error);
  return tokenResponse({
    clientId: client.clientId,
    userId: row.user_id,
    scopes: row.scopes,
    patientId: row.patient_id,
    access: access.token,
    // The database keeps a refresh token only with offline_access (a refresh always renews it).
    refresh: grantType === "refresh_token" || row.scopes.includes("offline_access") ? refresh.token : null,
    nonce: row.nonce,
  });
}

/** POST /api/smart/revoke: always 200 (RFC 7009 §2.2), whatever the token was. */
export async function revokeEndpoint(db: Db, request: Request): Promise<Response> {
  const form = await formOf(request);
  if (!form) return oauthError("invalid_request", "send application/x-www-form-urlencoded parameters");
  const client = clientAuth(request, form);
  if (!client) return oauthError("invalid_client", "client_id is required");
  const token = form.get("token");
  if (token) {
    await db.execute(
      sql`select app_smart_revoke(${hashToken(token)}, ${client.clientId}, ${client.secretHash}, ${randomUUID()})`,
    );
  }
  return new Response(null, { status: 200, headers: { "Cache-Control": "no-store", ...SMART_CORS } });
}

/** The CORS preflight of both endpoints. */
export const preflight = () => new Response(null, { status: 204, headers: SMART_CORS });
