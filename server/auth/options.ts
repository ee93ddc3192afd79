import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { randomUUID } from "node:crypto";
import { audit, type AuditEvent } from "@/server/audit/record";
import { getDb } from "@/server/db/client";
import { SessionEndedError, withRlsContext } from "@/server/db/context";
import { clientAddress } from "@/server/http/client-address";
import { safeCallbackPath } from "@/lib/callback-url";
import { authenticate } from "./credentials";
import { absoluteSeconds, idleSeconds, withinAbsoluteLimit } from "./session-policy";
import { sendMail } from "@/server/mail";
import { ssoLinkedMail } from "@/server/mail/messages";
import { revokeSession, sessionState, startSession, type SessionKey, type SignInMethod } from "./sessions";
import { discover } from "./sso-discovery";
import { ssoReasonClass } from "./sso-fetch";
import {
  beginSsoLink,
  completeSsoLink,
  issuerKeys,
  oidcProvider,
  ssoByProviderId,
  ssoDecision,
  SSO_PREFIX,
  validateIdToken,
  type LinkedIdentity,
  type SsoRefusal,
} from "./sso";

/** The account hears of every link, at its own address. */
const announceSsoLink = (linked: LinkedIdentity) =>
  sendMail(ssoLinkedMail({ to: linked.email, orgName: linked.orgName }));

interface TokenSession {
  sub?: unknown;
  sid?: unknown;
  sst?: unknown;
  orgId?: unknown;
}

/** The session key a token carries, when it has a well-formed one. */
function keyOf(token: TokenSession | null | undefined): (SessionKey & { userId: string }) | null {
  const { sub, sid, sst } = token ?? {};
  if (typeof sub !== "string" || typeof sid !== "string" || typeof sst !== "string") return null;
  if (!UUID.test(sub) || !UUID.test(sid) || sst.length < 32) return null;
  return { userId: sub, sessionId: sid, secret: sst };
}

/** Sign-in and sign-out are audit events of the practice the session is in, written as that session. */
async function auditSession(
  token: TokenSession,
  event: Extract<AuditEvent, { action: "auth.sign_in" | "auth.sign_out" }>,
) {
  const key = keyOf(token);
  if (!key || typeof token.orgId !== "string") return;
  const { userId } = key;
  const orgId = token.orgId;
  await withRlsContext(getDb(), { kind: "session", ...key }, (tx) =>
    audit({ tx, userId, orgId, requestId: randomUUID() }, { ...event, entityId: userId }),
  ).catch(() => undefined); // a suspended member signing out has no org to write to
}

/** Sign-out audits, then ends the server-side session (so the cookie is dead even if a copy survives). */
async function endSession(token: TokenSession | null | undefined) {
  const key = keyOf(token);
  if (!key) return;
  await auditSession(token!, { action: "auth.sign_out" });
  await withRlsContext(getDb(), { kind: "session", ...key }, (tx) =>
    revokeSession(tx, key.sessionId, key.userId),
  ).catch(() => undefined); // already ended
}

/** next-auth passes a thrown message to the sign-in page as `error`: fixed codes only. */
const signInErrors = {
  missing_email: "EmailMissing",
  missing_password: "PasswordMissing",
  suspended: "Suspended",
  locked: "Locked",
  invalid: "CredentialsSignin",
  totp_required: "TotpRequired",
  totp_invalid: "TotpInvalid",
  totp_locked: "TotpLocked",
  link_invalid: "SsoLinkExpired",
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const authOptions: NextAuthOptions = {
  // A revoked session's renewal is refused by throwing in the jwt callback; that is expected, not an error worth a stack.
  logger: {
    error(code, metadata) {
      if (
        code === "JWT_SESSION_ERROR" &&
        (metadata instanceof SessionEndedError || (metadata as { error?: unknown })?.error instanceof SessionEndedError)
      )
        return;
      // The message only: next-auth's metadata can carry the request's body (a password).
      const err = metadata instanceof Error ? metadata : (metadata as { error?: unknown })?.error;
      // An SSO step's message can quote what the issuer answered: its class only.
      if (code.includes("OAUTH")) console.error(`[next-auth] ${code}`, ssoReasonClass(err));
      else console.error(`[next-auth] ${code}`, err instanceof Error ? `${err.name}: ${err.message}` : "");
    },
    warn(code) {
      console.warn(`[next-auth] ${code}`);
    },
    debug() {},
  },
  // The JWT (and its cookie) expires after the idle limit unless activity refreshes it.
  session: { strategy: "jwt", maxAge: idleSeconds() },
  pages: { signIn: "/login", error: "/login" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      // `totp`: the second factor (6-digit code or a recovery code), in the same POST (DESIGN.md section 6).
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
        totp: { label: "Authentication code", type: "text" },
        // The practice to start in (after a step-up), and a practice's sign-in waiting for this account's proof.
        practice: { label: "Practice", type: "text" },
        link: { label: "Link", type: "text" },
      },
      async authorize(credentials, req) {
        const headers = req?.headers as Record<string, unknown> | undefined;
        // next-auth puts a thrown message into the redirect URL: only fixed codes, never a database message.
        const unavailable = (err: unknown) => {
          console.error("careroster: sign-in check failed", (err as Error)?.name ?? "error");
          throw new Error("Unavailable");
        };
        const result = await authenticate(getDb(), credentials, clientAddress(headers)).catch(unavailable);
        if (!result.ok) throw new Error(signInErrors[result.reason]);
        // A practice's sign-in waiting for this account's proof: link it now, and start there.
        let orgId = result.user.orgId;
        const link = typeof credentials?.link === "string" ? credentials.link : "";
        if (link) {
          const linked = await completeSsoLink(link, result.user.id).catch(unavailable);
          if (!linked) throw new Error(signInErrors.link_invalid);
          await announceSsoLink(linked).catch(() => undefined); // the link stands; the mail is a courtesy copy
          if (linked.active) orgId = linked.orgId;
        }
        const userAgent = typeof headers?.["user-agent"] === "string" ? headers["user-agent"] : null;
        // Only now, with every step passed, does a session exist.
        const key = await startSession({ userId: result.user.id, orgId, method: result.method, userAgent }).catch(
          unavailable,
        );
        return { ...result.user, orgId, sid: key.sessionId, sst: key.secret, method: result.method };
      },
    }),
  ],
  callbacks: {
    signIn: ssoSignIn(null),
    async jwt({ token, user }) {
      if (user) {
        const u = user as unknown as { orgId: string | null; sid: string; sst: string };
        token.sub = user.id;
        token.orgId = u.orgId;
        token.sid = u.sid;
        token.sst = u.sst;
        token.loginAt = Math.floor(Date.now() / 1000);
        return token;
      }
      // Every renewal (/api/auth/session, update): a token is re-issued only while its server-side
      // session is live and within the absolute limit. Throwing makes next-auth answer "no session"
      // and clear the cookie instead of renewing it. The practice is the database's (a switch moves
      // it there, me.switchOrg); whatever an update asks for is ignored.
      const key = keyOf(token);
      if (!key || !withinAbsoluteLimit(token.loginAt)) throw new SessionEndedError();
      const state = await sessionState(getDb(), key);
      if (!state.live) throw new SessionEndedError();
      if (state.orgId) token.orgId = state.orgId;
      return token;
    },
    /** After sign-in and sign-out: only a path of this app (next-auth's default lets `/\\host` through). */
    redirect({ url, baseUrl }) {
      return new URL(safeCallbackPath(url, baseUrl), baseUrl).href;
    },
    session({ session, token }) {
      const loginAt = typeof token.loginAt === "number" ? token.loginAt : 0;
      const absoluteEnd = new Date((loginAt + absoluteSeconds()) * 1000);
      const expires = new Date(session.expires) < absoluteEnd ? session.expires : absoluteEnd.toISOString();
      return {
        ...session,
        expires,
        user: { ...session.user, id: token.sub! },
        orgId: (token.orgId as string | null) ?? null,
      };
    },
  },
  events: {
    signIn: ({ user, account }) => {
      const u = user as unknown as { orgId?: string; sid?: string; sst?: string; method?: SignInMethod };
      const sso = account?.provider.startsWith(SSO_PREFIX) ?? false;
      return auditSession(
        { sub: user.id, sid: u.sid, sst: u.sst, orgId: u.orgId },
        {
          action: "auth.sign_in",
          detail: { method: sso ? "sso" : (u.method ?? "password"), provider: account?.provider ?? "credentials" },
        },
      );
    },
    signOut: ({ token }) => endSession(token),
  },
};

/**
 * SSO (a practice's OpenID Connect provider): next-auth has validated the id_token (PKCE, state,
 * nonce, signature, iss, aud, exp); it is checked again here with jose, then the practice's rules
 * decide (ssoDecision). An existing account this identity is not linked to is sent to the sign-in
 * form to prove itself first (the answer is a redirect, no session). Otherwise a session starts in
 * that practice, valid there only. A refusal is a fixed code for the sign-in page, never the text
 * of an exception or of anything fetched.
 */
function ssoSignIn(userAgent: string | null): NonNullable<NextAuthOptions["callbacks"]>["signIn"] {
  return async ({ user, account }) => {
    if (!account || !account.provider.startsWith(SSO_PREFIX)) return true;
    const outcome = await ssoOutcome(account.provider, account.id_token).catch((err: unknown) => {
      console.error("careroster: SSO sign-in failed", account.provider, ssoReasonClass(err));
      return { kind: "refused" as const, reason: "SsoFailed" as const };
    });
    if (outcome.kind === "refused") throw new Error(outcome.reason);
    if (outcome.kind === "link") {
      const params = new URLSearchParams({ link: outcome.token, email: outcome.email, practice: outcome.orgId });
      return `/login?${params}`;
    }
    const key = await startSession({
      userId: outcome.userId,
      orgId: outcome.orgId,
      method: "sso",
      ssoOrgId: outcome.orgId,
      userAgent,
    });
    Object.assign(user, {
      id: outcome.userId,
      email: outcome.email,
      orgId: outcome.orgId,
      sid: key.sessionId,
      sst: key.secret,
      method: "sso",
    });
    return true;
  };
}

type SsoOutcome =
  | { kind: "refused"; reason: SsoRefusal }
  | { kind: "link"; token: string; email: string; orgId: string }
  | { kind: "session"; userId: string; email: string; orgId: string };

async function ssoOutcome(providerId: string, idToken: unknown): Promise<SsoOutcome> {
  const provider = await ssoByProviderId(getDb(), providerId);
  if (!provider || typeof idToken !== "string") return { kind: "refused", reason: "SsoFailed" };
  const claims = await validateIdToken(idToken, {
    issuer: provider.issuer,
    clientId: provider.client_id,
    keys: await issuerKeys(provider.issuer),
  });
  const decision = await ssoDecision(provider, claims);
  if (decision.ok) return { kind: "session", userId: decision.userId, email: decision.email, orgId: provider.org_id };
  if (decision.reason !== "SsoLinkRequired") return { kind: "refused", reason: decision.reason };
  const token = await beginSsoLink(provider, claims, decision);
  return { kind: "link", token, email: decision.email, orgId: provider.org_id };
}

/**
 * next-auth's options for one request (app/api/auth/[...nextauth]/route.ts): the credentials
 * provider always; for `/api/auth/{signin,callback}/sso-<slug>`, that practice's OpenID Connect
 * provider, read from the database now (providers are configured at run time by practice admins),
 * with the endpoints of its stored issuer's checked discovery document. Throws when that practice's
 * sign-in cannot be used now (the route answers with a fixed code).
 */
export async function authOptionsFor(segments: string[] | undefined, headers: Headers): Promise<NextAuthOptions> {
  const [action, providerId] = segments ?? [];
  if ((action === "signin" || action === "callback") && providerId?.startsWith(SSO_PREFIX)) {
    const row = await ssoByProviderId(getDb(), providerId).catch(() => null);
    if (row) {
      const endpoints = await discover(row.issuer).catch((err: unknown) => {
        console.error("careroster: SSO discovery failed", new URL(row.issuer).host, ssoReasonClass(err));
        throw err;
      });
      const userAgent = headers.get("user-agent")?.slice(0, 512) ?? null;
      return {
        ...authOptions,
        providers: [...authOptions.providers, oidcProvider(row, endpoints)],
        callbacks: { ...authOptions.callbacks, signIn: ssoSignIn(userAgent) },
      };
    }
  }
  return authOptions;
}
