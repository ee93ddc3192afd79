import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptionsFor } from "@/server/auth/options";

type Context = { params: Promise<{ nextauth: string[] }> };

/** Options per request: a practice's SSO provider exists only in the database (server/auth/options.ts authOptionsFor). */
async function handler(req: NextRequest, context: Context) {
  const { nextauth } = await context.params;
  return NextAuth(req, context, await authOptionsFor(nextauth, req.headers));
}

export { handler as GET, handler as POST };
