import { randomBytes } from "node:crypto";
import { and, desc, eq, isNull, ne, sql } from "drizzle-orm";
import { getAuthDb, type Db, type Tx } from "@/server/db/client";
import { SessionEndedError, withRlsContext } from "@/server/db/context";
import { sessions } from "@/server/db/schema";

/**
 * Server-side sessions. Sign-in starts one (its id travels in the JWT as `sid`); every request's
 * context statement checks it (server/db/context.ts). Ending one sets revoked_at, which nothing can
 * undo. What ends a session: sign-out, a password change (the user's other sessions), a suspension
 * (trigger on memberships), an admin's "sign out everywhere", and the member ending it from the
 * account page. The idle and absolute limits end the token itself (server/auth/session-policy.ts).
 */

export type SignInMethod = "password" | "totp" | "recovery_code" | "sso";

/** What a browser holds of its session: the id (seen by admins) and the secret (only in the cookie). */
export interface SessionKey {
  sessionId: string;
  secret: string;
}

/**
 * Starts a session for a user who just passed every step of sign-in: the password and, for an
 * enrolled account, the second factor (server/auth/credentials.ts authenticate()), or a practice's
 * identity provider (server/auth/sso.ts). Through the sign-in path's own pool (careroster_auth):
 * the runtime role cannot start one. The session is in `orgId`; an SSO session counts for that
 * practice only (`ssoOrgId`). The database keeps only the secret's hash.
 */
export async function startSession(opts: {
  userId: string;
  orgId: string | null;
  method: SignInMethod;
  ssoOrgId?: string | null;
  userAgent?: string | null;
}): Promise<SessionKey> {
  const secret = randomBytes(32).toString("base64url");
  const methods = opts.method === "sso" ? [] : opts.method === "password" ? ["password"] : ["password", opts.method];
  const [row] = await getAuthDb().execute<{ id: string }>(
    sql`select app_session_start(${opts.userId}::uuid, ${opts.orgId}::uuid, ${`{${methods.join(",")}}`}::text[], ${opts.ssoOrgId ?? null}::uuid, ${opts.userAgent ?? null}, ${secret}) as id`,
  );
  return { sessionId: row.id, secret };
}

/**
 * Whether the session is live, and the practice the database has it in (the same check as every
 * request: app_context_enter()). The next-auth jwt callback asks this before it re-issues a token,
 * so a revoked one is never renewed and the token's practice follows the database's.
 */
export async function sessionState(db: Db, key: SessionKey): Promise<{ live: boolean; orgId: string | null }> {
  try {
    const facts = await withRlsContext(db, { kind: "session", ...key }, async (_tx, guard) => guard.ready());
    return { live: true, orgId: facts.orgId };
  } catch (err) {
    if (err instanceof SessionEndedError) return { live: false, orgId: null };
    throw err;
  }
}

/** Ends one session (the policies allow the user's own, or an admin's active member's). Answers whether it was live. */
export async function revokeSession(tx: Tx, sessionId: string, userId?: string): Promise<boolean> {
  const rows = await tx
    .update(sessions)
    .set({ revokedAt: sql`now()` as unknown as Date })
    .where(
      and(eq(sessions.id, sessionId), isNull(sessions.revokedAt), userId ? eq(sessions.userId, userId) : undefined),
    )
    .returning({ id: sessions.id });
  return rows.length > 0;
}

/**
 * Ends every live session of the caller, except `options.except` (their current one, after a
 * password change). Runs in the caller's transaction under the sessions policies. Answers how many ended.
 */
export async function revokeUserSessions(tx: Tx, userId: string, options: { except?: string } = {}): Promise<number> {
  const rows = await tx
    .update(sessions)
    .set({ revokedAt: sql`now()` as unknown as Date })
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        options.except ? ne(sessions.id, options.except) : undefined,
      ),
    )
    .returning({ id: sessions.id });
  return rows.length;
}

export interface SessionView {
  id: string;
  device: string;
  createdAt: Date;
  lastSeenAt: Date;
  current: boolean;
}

/** A user's live sessions, most recently active first (as far as the policies let the caller see them). */
export async function liveSessions(tx: Tx, userId: string, currentSessionId?: string): Promise<SessionView[]> {
  const rows = await tx
    .select({
      id: sessions.id,
      userAgent: sessions.userAgent,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
    })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .orderBy(desc(sessions.lastSeenAt))
    .limit(100);
  return rows.map((r) => ({
    id: r.id,
    device: describeUserAgent(r.userAgent),
    createdAt: r.createdAt,
    lastSeenAt: r.lastSeenAt,
    current: r.id === currentSessionId,
  }));
}

/** "Chrome on Windows" from a user agent string: enough to tell one's devices apart, nothing more. */
export function describeUserAgent(ua: string | null | undefined): string {
  if (!ua) return "Unknown device";
  // An app's access (drizzle/0027_smart_apps.sql names it so).
  if (ua.startsWith("SMART app: ")) return ua;
  const browser = /Edg(e|A|iOS)?\//.test(ua)
    ? "Edge"
    : /OPR\/|Opera/.test(ua)
      ? "Opera"
      : /Firefox\/|FxiOS\//.test(ua)
        ? "Firefox"
        : /Chrome\/|CriOS\/|Chromium\//.test(ua)
          ? "Chrome"
          : /Safari\//.test(ua)
            ? "Safari"
            : /curl\//.test(ua)
              ? "curl"
              : /node|undici/i.test(ua)
                ? "Script"
                : "Browser";
  const os = /iPhone|iPad|iPod/.test(ua)
    ? "iOS"
    : /Android/.test(ua)
      ? "Android"
      : /Windows/.test(ua)
        ? "Windows"
        : /Mac OS X|Macintosh/.test(ua)
          ? "macOS"
          : /CrOS/.test(ua)
            ? "ChromeOS"
            : /Linux/.test(ua)
              ? "Linux"
              : null;
  return os ? `${browser} on ${os}` : browser;
}

/**
 * An admin's "sign out everywhere" for a member: ends the member's sessions in this practice and
 * bars it from their sessions elsewhere (app_end_member_sessions), never another practice's use.
 */
export async function endMemberSessions(tx: Tx, userId: string): Promise<number> {
  const [row] = await tx.execute<{ ended: number }>(sql`select app_end_member_sessions(${userId}::uuid) as ended`);
  return row?.ended ?? 0;
}
