import { createHash } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { ConsentInput } from "@/lib/schemas/smart";
import { grantableScopes, needsPatient } from "@/lib/smart-scopes";
import { audit } from "@/server/audit/record";
import { newToken } from "@/server/auth/tokens";
import { textArray } from "@/server/db/arrays";
import type { Db, Tx } from "@/server/db/client";
import { withoutIdentity } from "@/server/db/context";
import { patients } from "@/server/db/schema";
import { AppError } from "@/server/errors";
import type { MemberCtx } from "@/server/request";
import { fhirBase } from "@/server/fhir/http";

/** A registered app as the authorize page sees it (app_smart_client). */
export interface SmartClient {
  appId: string;
  orgId: string;
  orgName: string;
  name: string;
  redirectUris: string[];
  confidential: boolean;
  scopes: string[];
  disabled: boolean;
}

type ClientRow = {
  app_id: string;
  org_id: string;
  org_name: string;
  name: string;
  redirect_uris: string[];
  confidential: boolean;
  scopes: string[];
  disabled: boolean;
};

export async function findClient(tx: Tx, clientId: string): Promise<SmartClient | null> {
  const [row] = await tx.execute<ClientRow>(sql`select * from app_smart_client(${clientId})`);
  if (!row) return null;
  return {
    appId: row.app_id,
    orgId: row.org_id,
    orgName: row.org_name,
    name: row.name,
    redirectUris: row.redirect_uris,
    confidential: row.confidential,
    scopes: row.scopes,
    disabled: row.disabled,
  };
}

/** A client and redirect URI that may be redirected to: an enabled app and one of its URIs, exactly. */
const redirectable = (client: SmartClient | null, redirectUri: string): client is SmartClient =>
  client !== null && !client.disabled && client.redirectUris.includes(redirectUri);

/** The redirect URI with the answer's parameters added (its own query kept). */
export function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

export type AuthorizeCheck =
  /** Nothing may be redirected anywhere: the page shows this sentence. */
  | { kind: "page_error"; message: string }
  /** The app is known and the URI is its own: tell the app. */
  | { kind: "app_error"; redirect: string }
  | { kind: "ok"; client: SmartClient; request: ConsentInput; scopes: string[]; patientNeeded: boolean };

const param = (params: Record<string, string | string[] | undefined>, name: string) => {
  const v = params[name];
  return typeof v === "string" ? v : undefined;
};

/**
 * Checks an authorization request (RFC 6749 §4.1.1, SMART App Launch v2 with PKCE S256 required).
 * An unknown or disabled app, or a redirect URI it did not register (exactly), is never redirected
 * to: the page explains. Any other problem goes back to the app as an OAuth error.
 */
export async function checkAuthorizeRequest(
  db: Db,
  params: Record<string, string | string[] | undefined>,
): Promise<AuthorizeCheck> {
  const clientId = param(params, "client_id");
  const redirectUri = param(params, "redirect_uri");
  if (!clientId || !redirectUri) {
    return { kind: "page_error", message: "The app's request names no app or no return address." };
  }
  const client = await withoutIdentity(db, (tx) => findClient(tx, clientId));
  if (!client || client.disabled) {
    return { kind: "page_error", message: "This app is not registered with CareRoster, or its access was turned off." };
  }
  if (!client.redirectUris.includes(redirectUri)) {
    return {
      kind: "page_error",
      message: `The return address this request names is not one ${client.name} registered, so CareRoster will not send you there.`,
    };
  }
  const state = param(params, "state");
  const fail = (error: string, description: string): AuthorizeCheck => ({
    kind: "app_error",
    redirect: redirectWith(redirectUri, { error, error_description: description, state }),
  });
  if (param(params, "response_type") !== "code") return fail("unsupported_response_type", "response_type must be code");
  const challenge = param(params, "code_challenge");
  if (param(params, "code_challenge_method") !== "S256" || !challenge || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
    return fail("invalid_request", "PKCE is required: code_challenge with code_challenge_method S256");
  }
  const aud = param(params, "aud");
  if (aud !== undefined && aud.replace(/\/+$/, "") !== fhirBase()) {
    return fail("invalid_request", "aud must be this server's FHIR base URL");
  }
  const scope = param(params, "scope") ?? "";
  const scopes = grantableScopes(scope, client.scopes);
  if (scopes.length === 0) return fail("invalid_scope", "none of the requested scopes is granted to this app");
  return {
    kind: "ok",
    client,
    scopes,
    patientNeeded: needsPatient(scopes),
    request: {
      clientId,
      redirectUri,
      scope,
      state,
      codeChallenge: challenge,
      nonce: param(params, "nonce"),
    },
  };
}

/** The consent screen's client again, inside the member's transaction; refuses anything not redirectable. */
async function consentClient(ctx: MemberCtx, input: Pick<ConsentInput, "clientId" | "redirectUri">) {
  const client = await findClient(ctx.tx, input.clientId);
  if (!redirectable(client, input.redirectUri)) {
    throw new AppError("BAD_REQUEST", "This app or its return address is not registered.");
  }
  if (client.orgId !== ctx.orgId) {
    throw new AppError("FORBIDDEN", `This app is registered with ${client.orgName}. Switch to that practice first.`);
  }
  return client;
}

/**
 * "Allow": an authorization code for the app, bound to the member's session, the scopes granted
 * (requested ∩ registered), the PKCE challenge and the patient chosen (one the member sees, read
 * through the policies here). Audited. Answers where the browser goes next.
 */
export async function allowApp(ctx: MemberCtx, input: ConsentInput): Promise<{ redirect: string }> {
  const client = await consentClient(ctx, input);
  const scopes = grantableScopes(input.scope, client.scopes);
  if (scopes.length === 0) throw new AppError("BAD_REQUEST", "None of the requested scopes is granted to this app.");
  let patientId: string | null = null;
  if (needsPatient(scopes)) {
    if (!input.patientId) throw new AppError("BAD_REQUEST", "Choose a patient for the app.");
    const [seen] = await ctx.tx
      .select({ id: patients.id })
      .from(patients)
      .where(and(eq(patients.id, input.patientId), isNull(patients.archivedAt)));
    if (!seen) throw new AppError("NOT_FOUND", "That patient is not one you can see.");
    patientId = seen.id;
  }
  const code = newToken();
  await ctx.tx.execute(
    sql`select app_smart_code_issue(${input.clientId}, ${code.hash}, ${input.redirectUri}, ${input.codeChallenge},
                                    ${textArray(scopes)}, ${patientId}::uuid, ${input.nonce ?? null})`,
  );
  await audit(ctx, {
    action: "smart.authorize",
    entityId: client.appId,
    patientId,
    detail: { scopes },
  });
  return { redirect: redirectWith(input.redirectUri, { code: code.token, state: input.state }) };
}

/** "Deny": the app hears access_denied; audited. */
export async function denyApp(
  ctx: MemberCtx,
  input: Pick<ConsentInput, "clientId" | "redirectUri" | "state">,
): Promise<{ redirect: string }> {
  const client = await consentClient(ctx, input);
  await audit(ctx, { action: "smart.deny", entityId: client.appId });
  return {
    redirect: redirectWith(input.redirectUri, {
      error: "access_denied",
      error_description: "the user denied access",
      state: input.state,
    }),
  };
}

/** PKCE S256: BASE64URL(SHA-256(verifier)) (RFC 7636 §4.2). */
export const s256 = (verifier: string) => createHash("sha256").update(verifier).digest("base64url");
