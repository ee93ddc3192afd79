import { getToken } from "next-auth/jwt";
import { withinAbsoluteLimit } from "./session-policy";

export interface SessionIdentity {
  userId: string;
  orgId: string | null;
}

/**
 * The signed-in identity from the next-auth session cookie (an encrypted JWT) in `headers`.
 * The same reader serves the tRPC route and server components; no database access here.
 * Expired (idle: the JWT's exp; absolute: its sign-in time) means no session.
 */
export async function readSession(headers: Headers): Promise<SessionIdentity | null> {
  const cookies = Object.fromEntries(
    (headers.get("cookie") ?? "")
      .split(";")
      .map((part) => part.trim().split("="))
      .filter(([name]) => name)
      .map(([name, ...value]) => [name, decodeURIComponent(value.join("="))]),
  );
  const token = await getToken({ req: { headers, cookies } as never }).catch(() => null);
  if (!token?.sub || !withinAbsoluteLimit(token.loginAt)) return null;
  return { userId: token.sub, orgId: typeof token.orgId === "string" ? token.orgId : null };
}
