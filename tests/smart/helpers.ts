import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import type { SessionIdentity } from "@/server/auth/session";
import { createDb, type Db } from "@/server/db/client";
import { SessionEndedError, withRlsContext, type ContextFacts } from "@/server/db/context";
import { patients } from "@/server/db/schema";
import { s256 } from "@/server/smart/authorize";
import { tokenEndpoint } from "@/server/smart/token";
import { authUrl, callerFor, callerWith, ownerSql, runtimeDb, sessionFor } from "@/tests/helpers/db";

// A SMART app's side of a launch, for the tests: registration by the practice's admin, the member's
// consent, the token endpoint, and what a bearer token reads through the policies.

export const REDIRECT = "https://app.example.org/callback";
let authDb: Db | undefined;
/** The sign-in login's pool, which the token endpoint runs on. */
export const smartAuthDb = () => (authDb ??= createDb(authUrl(), { max: 2 }));

export type Org = "northside" | "lakeside";
const adminOf = { northside: "northAdmin", lakeside: "lakeAdmin" } as const;

export async function registerApp(
  org: Org,
  opts: { confidential?: boolean; scopes?: string[]; redirectUris?: string[] } = {},
): Promise<{ id: string; clientId: string; clientSecret: string | null }> {
  const admin = await callerFor(adminOf[org], org);
  return admin.admin.apps.register({
    name: `Test app ${randomBytes(3).toString("hex")}`,
    redirectUris: opts.redirectUris ?? [REDIRECT],
    confidential: opts.confidential ?? false,
    scopes: opts.scopes ?? ["openid", "fhirUser", "launch/patient", "offline_access", "user/*.rs", "patient/*.rs"],
  });
}

export const pkce = () => {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: s256(verifier) };
};

/** The member's "Allow" on the consent screen: answers the code the app receives. */
export async function allow(
  session: SessionIdentity,
  clientId: string,
  opts: { scope?: string; patientId?: string; challenge?: string; redirectUri?: string } = {},
) {
  const { redirect } = await callerWith(session).smart.allow({
    clientId,
    redirectUri: opts.redirectUri ?? REDIRECT,
    scope: opts.scope ?? "openid fhirUser user/*.rs offline_access",
    state: "st-1",
    codeChallenge: opts.challenge ?? pkce().challenge,
    nonce: "n-1",
    patientId: opts.patientId,
  });
  const url = new URL(redirect);
  expect(url.origin + url.pathname).toBe(REDIRECT);
  expect(url.searchParams.get("state")).toBe("st-1");
  return url.searchParams.get("code")!;
}

export const post = (path: string, body: Record<string, string>, headers: Record<string, string> = {}) =>
  new Request(`http://localhost${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(body).toString(),
  });

export async function token(body: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await tokenEndpoint(smartAuthDb(), post("/api/smart/token", body, headers));
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

export async function exchange(clientId: string, code: string, verifier: string, extra: Record<string, string> = {}) {
  return token({
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT,
    code_verifier: verifier,
    client_id: clientId,
    ...extra,
  });
}

export type Launched = { app: Awaited<ReturnType<typeof registerApp>>; session: SessionIdentity } & Record<
  "access_token" | "refresh_token" | "id_token" | "scope" | "token_type" | "patient",
  string
>;

/** A launch all the way to tokens, as `user` in `org`. */
export async function launch(
  user: Parameters<typeof sessionFor>[0],
  org: Org,
  opts: { scope?: string; patientId?: string; app?: Awaited<ReturnType<typeof registerApp>> } = {},
): Promise<Launched> {
  const app = opts.app ?? (await registerApp(org));
  const session = await sessionFor(user, org);
  const { verifier, challenge } = pkce();
  const code = await allow(session, app.clientId, { scope: opts.scope, patientId: opts.patientId, challenge });
  const res = await exchange(app.clientId, code, verifier);
  expect(res.status).toBe(200);
  return { app, session, ...res.body } as Launched;
}

/** What a bearer token reads through the policies: the door's answer and the patient ids, or "dead". */
export async function asBearer(accessToken: string): Promise<{ facts: ContextFacts; patientIds: string[] } | "dead"> {
  try {
    return await withRlsContext(runtimeDb(), { kind: "token", token: accessToken }, async (tx, guard) => {
      const rows = await tx.select({ id: patients.id }).from(patients);
      const facts = await guard.ready();
      return { facts, patientIds: rows.map((r) => r.id).sort() };
    });
  } catch (err) {
    if (err instanceof SessionEndedError) return "dead";
    throw err;
  }
}

export const refusals = async (appId: string) =>
  (
    await ownerSql()`select action, detail from audit_events where entity = 'smart_app' and entity_id = ${appId} order by id`
  ).map((r) => `${r.action}${r.detail?.reason ? `:${r.detail.reason}` : ""}`);

/** The refresh_token grant with a launch's refresh token (and `extra`, such as a narrower scope). */
export const refresh = (res: Launched, extra: Record<string, string> = {}) =>
  token({ grant_type: "refresh_token", refresh_token: res.refresh_token, client_id: res.app.clientId, ...extra });
