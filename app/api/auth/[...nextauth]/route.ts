import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptionsFor } from "@/server/auth/options";

type Context = { params: Promise<{ nextauth: string[] }> };

/** Where a practice's sign-in that cannot be used now ends: one fixed code, nothing of the cause. */
const SSO_FAILED = "/login?error=SsoFailed";

/** Options per request: a practice's SSO provider exists only in the database (server/auth/options.ts authOptionsFor). */
async function handler(req: NextRequest, context: Context) {
  const { nextauth } = await context.params;
  const options = await authOptionsFor(nextauth, req.headers).catch(() => null);
  if (!options)
    // The sign-in form POSTs and reads `{ url }` (as next-auth answers it); the IdP's callback is a GET.
    return req.method === "POST"
      ? Response.json({ url: SSO_FAILED })
      : new Response(null, { status: 302, headers: { location: SSO_FAILED } });
  return NextAuth(req, context, options);
}

export { handler as GET, handler as POST };
