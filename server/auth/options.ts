import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { audit } from "../audit/record";
import { getDb } from "../db/client";
import { SessionEndedError, withRlsContext } from "../db/context";
import { clientAddress } from "../http/client-address";
import { safeCallbackPath } from "../../lib/callback-url";
import { authenticate } from "./credentials";
import { absoluteSeconds, idleSeconds, withinAbsoluteLimit } from "./session-policy";
import { isSessionLive, revokeSession, startSession } from "./sessions";
import { issuerKeys, oidcProvider, ssoByProviderId, ssoDecision, SSO_PREFIX, validateIdToken } from "./sso";

/** True when the user is an active member of the org, as the database (not the cookie) says. */
export async function isActiveMember(userId: string, orgId: string): Promise<boolean> {
  return withRlsContext(getDb(), { userId, orgId }, async (tx) => {
    const [row] = await tx.execute<{ org: string | null }>(sql`select app_org_id() as org`);
    return row?.org === orgId;
  });
}

/** Sign-in and sign-out are audit events of the practice the session is in. */
async function auditSession(
  action: "auth.sign_in" | "auth.sign_out",
  userId: unknown,
  orgId: unknown,
  detail?: Record<string, unknown>,
) {
  if (typeof userId !== "string" || typeof orgId !== "string") return;
  await withRlsContext(getDb(), { userId, orgId }, (tx) =>
    audit({ tx, userId, orgId, requestId: randomUUID() }, { action, entity: "session", entityId: userId, detail }),
  ).catch(() => undefined); // a suspended member signing out has no org to write to
}

/** Sign-out ends the server-side session (so the cookie is dead even if a copy survives), then audits. */
async function endSession(token: { sub?: unknown; sid?: unknown; orgId?: unknown } | null | undefined) {
  const userId = token?.sub;
  const sessionId = token?.sid;
  if (typeof userId === "string" && typeof sessionId === "string" && UUID.test(userId) && UUID.test(sessionId)) {
    await withRlsContext(getDb(), { userId, orgId: null }, (tx) => revokeSession(tx, sessionId, userId));
  }
  await auditSession("auth.sign_out", userId, token?.orgId);
}

/** next-auth passes a thrown message to the sign-in page as `error`: fixed codes only. */
const signInErrors = {
  suspended: "Suspended",
  locked: "Locked",
  invalid: "CredentialsSignin",
  totp_required: "TotpRequired",
  totp_invalid: "TotpInvalid",
  totp_locked: "TotpLocked",
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
      console.error(`[next-auth] ${code}`, err instanceof Error ? `${err.name}: ${err.message}` : "");
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
      },
      async authorize(credentials, req) {
        const headers = req?.headers as Record<string, unknown> | undefined;
        // next-auth puts a thrown message into the redirect URL: only fixed codes, never a database message.
        const result = await authenticate(getDb(), credentials, clientAddress(headers)).catch((err: unknown) => {
          console.error("careroster: sign-in check failed", (err as Error)?.name ?? "error");
          throw new Error("Unavailable");
        });
        // next-auth passes a thrown message to the sign-in page as `error`.
        if (!result.ok) throw new Error(signInErrors[result.reason]);
        // The server-side session whose id the JWT carries (`sid`).
        const userAgent = typeof headers?.["user-agent"] === "string" ? headers["user-agent"] : null;
        // Only now, with every step passed, does a session exist.
        const sid = await startSession(getDb(), result.user.id, userAgent, result.method).catch(() => {
          throw new Error("Unavailable");
        });
        return { ...result.user, sid, method: result.method };
      },
    }),
  ],
  callbacks: {
    signIn: ssoSignIn(null),
    async jwt({ token, user, trigger, session }) {
      if (user) {
        token.sub = user.id;
        token.orgId = (user as unknown as { orgId: string }).orgId;
        token.sid = (user as unknown as { sid: string }).sid;
        token.loginAt = Math.floor(Date.now() / 1000);
        return token;
      }
      // Every renewal (/api/auth/session, update): a token is re-issued only while its server-side
      // session is live and within the absolute limit. Throwing makes next-auth answer "no session"
      // and clear the cookie instead of renewing it.
      const { sub, sid } = token as { sub?: unknown; sid?: unknown };
      if (
        typeof sub !== "string" ||
        typeof sid !== "string" ||
        !UUID.test(sub) ||
        !UUID.test(sid) ||
        !withinAbsoluteLimit(token.loginAt)
      ) {
        throw new SessionEndedError();
      }
      if (!(await isSessionLive(getDb(), sub, sid))) throw new SessionEndedError();
      // Switching practice: accepted only for an org where the database finds an active membership.
      if (trigger === "update" && token.sub) {
        const orgId = (session as { orgId?: unknown } | undefined)?.orgId;
        if (typeof orgId === "string" && (await isActiveMember(token.sub, orgId))) token.orgId = orgId;
      }
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
      const u = user as unknown as { orgId?: string; method?: string };
      return auditSession("auth.sign_in", user.id, u.orgId, {
        method: account?.provider === "credentials" ? (u.method ?? "password") : "sso",
        provider: account?.provider ?? "credentials",
      });
    },
    signOut: ({ token }) => endSession(token),
  },
};

/**
 * SSO (a practice's OpenID Connect provider): next-auth has validated the id_token (PKCE, state,
 * nonce, signature, iss, aud, exp); it is checked again here with jose, then the practice's rules
 * decide (verified email, the practice's domain, an active member or a pending invitation).
 * Only then does a sessions row exist, exactly as for a password sign-in. A refusal is a fixed
 * code for the sign-in page.
 */
function ssoSignIn(userAgent: string | null): NonNullable<NextAuthOptions["callbacks"]>["signIn"] {
  return async ({ user, account }) => {
    if (!account || !account.provider.startsWith(SSO_PREFIX)) return true;
    const provider = await ssoByProviderId(getDb(), account.provider);
    if (!provider || typeof account.id_token !== "string") throw new Error("SsoFailed");
    const claims = await validateIdToken(account.id_token, {
      issuer: provider.issuer,
      clientId: provider.client_id,
      keys: await issuerKeys(provider.issuer),
    }).catch(() => {
      throw new Error("SsoFailed");
    });
    const decision = await ssoDecision(getDb(), provider, claims);
    if (!decision.ok) throw new Error(decision.reason);
    const sid = await startSession(getDb(), decision.userId, userAgent, "sso");
    Object.assign(user, { id: decision.userId, email: decision.email, orgId: provider.org_id, sid, method: "sso" });
    return true;
  };
}

/**
 * next-auth's options for one request (app/api/auth/[...nextauth]/route.ts): the credentials
 * provider always; for `/api/auth/{signin,callback}/sso-<slug>`, that practice's OpenID Connect
 * provider, read from the database now (providers are configured at run time by practice admins).
 */
export async function authOptionsFor(segments: string[] | undefined, headers: Headers): Promise<NextAuthOptions> {
  const [action, providerId] = segments ?? [];
  if ((action === "signin" || action === "callback") && providerId?.startsWith(SSO_PREFIX)) {
    const row = await ssoByProviderId(getDb(), providerId).catch(() => null);
    if (row) {
      const userAgent = headers.get("user-agent")?.slice(0, 512) ?? null;
      return {
        ...authOptions,
        providers: [...authOptions.providers, oidcProvider(row)],
        callbacks: { ...authOptions.callbacks, signIn: ssoSignIn(userAgent) },
      };
    }
  }
  return authOptions;
}
