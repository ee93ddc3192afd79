import { encode } from "next-auth/jwt";

/** The name next-auth gives its session cookie over plain http (tests and the bench). */
export const SESSION_COOKIE = "next-auth.session-token";

export interface SessionClaims {
  sub?: string;
  sid?: string;
  sst?: string;
  orgId?: string | null;
  loginAt?: number;
  [claim: string]: unknown;
}

/** A session JWT exactly as next-auth issues it (encrypted with the app's secret); `claims` override the defaults. */
export function sessionToken(claims: SessionClaims, opts: { secret?: string; maxAge?: number } = {}): Promise<string> {
  return encode({
    token: { loginAt: Math.floor(Date.now() / 1000), ...claims },
    secret: opts.secret ?? process.env.NEXTAUTH_SECRET!,
    maxAge: opts.maxAge ?? 3600,
  });
}

/** The `Cookie` header value carrying that token. */
export async function sessionCookie(
  claims: SessionClaims,
  opts: { secret?: string; maxAge?: number } = {},
): Promise<string> {
  return `${SESSION_COOKIE}=${await sessionToken(claims, opts)}`;
}
