import { and, desc, eq, isNull, ne, sql } from "drizzle-orm";
import type { Db, Tx } from "../db/client";
import { SessionEndedError, withRlsContext } from "../db/context";
import { sessions } from "../db/schema";

/**
 * Server-side sessions. Sign-in starts one (its id travels in the JWT as `sid`); every request's
 * context statement checks it (server/db/context.ts). Ending one sets revoked_at, which nothing can
 * undo. What ends a session: sign-out, a password change (the user's other sessions), a suspension
 * (trigger on memberships), an admin's "sign out everywhere", and the member ending it from the
 * account page. The idle and absolute limits end the token itself (server/auth/session-policy.ts).
 */

const MAX_USER_AGENT = 512;

export type SignInMethod = "password" | "totp" | "recovery_code" | "sso";

/**
 * Starts a session for a user who just passed every step of sign-in: the password and, for an
 * enrolled account, the second factor (server/auth/credentials.ts authenticate()), or the practice's
 * identity provider (server/auth/sso.ts). Never after the password alone for an enrolled account.
 */
export async function startSession(
  db: Db,
  userId: string,
  userAgent: string | null | undefined,
  method: SignInMethod = "password",
): Promise<string> {
  return withRlsContext(db, { userId, orgId: null }, async (tx) => {
    // Only the granted columns (drizzle's insert would name every column, with DEFAULT).
    const [row] = await tx.execute<{ id: string }>(
      sql`insert into sessions (user_id, user_agent, method) values (${userId}, ${userAgent ? userAgent.slice(0, MAX_USER_AGENT) : null}, ${method}) returning id`,
    );
    return row.id;
  });
}

/**
 * Whether the session is live for this user (same check as every request: app_session_live()).
 * The next-auth jwt callback asks this before it re-issues a token, so a revoked one is never renewed.
 */
export async function isSessionLive(db: Db, userId: string, sessionId: string): Promise<boolean> {
  try {
    return await withRlsContext(db, { userId, orgId: null, sessionId }, async () => true);
  } catch (err) {
    if (err instanceof SessionEndedError) return false;
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
 * Ends every live session of `userId`, except `options.except` (the caller's own, after a password
 * change). Runs in the caller's transaction under the sessions policies: the user themself, or an
 * admin of a practice where the user is an active member. Answers how many ended.
 * The password reset (no session at all) runs it in a context for that user.
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
