import { getToken } from "next-auth/jwt";

export interface SessionIdentity {
  userId: string;
  orgId: string | null;
}

/**
 * The signed-in identity from the next-auth session cookie (an encrypted JWT) in `headers`.
 * The same reader serves the tRPC route and server components; no database access here.
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
  if (!token?.sub) return null;
  return { userId: token.sub, orgId: typeof token.orgId === "string" ? token.orgId : null };
}
