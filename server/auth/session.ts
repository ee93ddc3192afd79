import { parse } from "cookie";
import { getToken } from "next-auth/jwt";
import { z } from "zod";
import { withinAbsoluteLimit } from "./session-policy";

export interface SessionIdentity {
  userId: string;
  orgId: string | null;
  /** The server-side session (sessions table) this token belongs to; checked in every request's transaction. */
  sessionId: string;
  /** The session's secret: the database enters the session only with it (its hash is in the row). */
  secret: string;
}

const claims = z.object({
  sub: z.uuid(),
  sid: z.uuid(),
  sst: z.string().min(32).max(128),
  orgId: z.uuid().nullish(),
  loginAt: z.number(),
});

/**
 * The signed-in identity from the next-auth session cookie (an encrypted JWT) in `headers`.
 * The same reader serves the tRPC route and server components; no database access here (the
 * session id is checked against the sessions table inside the request's transaction).
 * Cookies are parsed by the `cookie` package, which leaves a value it cannot decode as it is:
 * a stray `a=%` beside the session cookie changes nothing. Expired (idle: the JWT's exp;
 * absolute: its sign-in time) or without a session id means no session.
 */
export async function readSession(headers: Headers): Promise<SessionIdentity | null> {
  const token = await decodedToken(headers);
  const parsed = claims.safeParse(token);
  if (!parsed.success || !withinAbsoluteLimit(parsed.data.loginAt)) return null;
  const { sub, sid, sst, orgId } = parsed.data;
  return { userId: sub, orgId: orgId ?? null, sessionId: sid, secret: sst };
}

/**
 * Decrypting the token derives its key and opens the JWE on every request (~0.5 ms of CPU), so a
 * browser's unchanged token is decrypted once: the cache is keyed by the exact headers the token
 * was read from and holds an entry only until the token's own expiry. Whether the session is still
 * live is decided by the database on every request, not here.
 */
const decoded = new Map<string, { token: Record<string, unknown>; expiresAt: number }>();
const DECODED_MAX = 1000;

async function decodedToken(headers: Headers): Promise<Record<string, unknown> | null> {
  const key = `${headers.get("cookie") ?? ""}\n${headers.get("authorization") ?? ""}`;
  const hit = decoded.get(key);
  if (hit && hit.expiresAt > Date.now()) return hit.token;
  decoded.delete(key);
  const cookies = parse(headers.get("cookie") ?? "");
  const token = (await getToken({ req: { headers, cookies } as never }).catch(() => null)) as Record<
    string,
    unknown
  > | null;
  if (token && typeof token.exp === "number") {
    if (decoded.size >= DECODED_MAX) decoded.delete(decoded.keys().next().value!);
    decoded.set(key, { token, expiresAt: token.exp * 1000 });
  }
  return token;
}
