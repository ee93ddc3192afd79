import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { audit } from "../audit/record";
import { getDb } from "../db/client";
import { withRlsContext } from "../db/context";
import { checkCredentials } from "./credentials";
import { absoluteSeconds, idleSeconds } from "./session-policy";

/** True when the user is an active member of the org, as the database (not the cookie) says. */
export async function isActiveMember(userId: string, orgId: string): Promise<boolean> {
  return withRlsContext(getDb(), { userId, orgId }, async (tx) => {
    const [row] = await tx.execute<{ org: string | null }>(sql`select app_org_id() as org`);
    return row?.org === orgId;
  });
}

/** Sign-in and sign-out are audit events of the practice the session is in. */
async function auditSession(action: "auth.sign_in" | "auth.sign_out", userId: unknown, orgId: unknown) {
  if (typeof userId !== "string" || typeof orgId !== "string") return;
  await withRlsContext(getDb(), { userId, orgId }, (tx) =>
    audit({ tx, userId, orgId, requestId: randomUUID() }, { action, entity: "session", entityId: userId }),
  ).catch(() => undefined); // a suspended member signing out has no org to write to
}

const clientAddress = (headers: Record<string, unknown> | undefined) =>
  String(headers?.["x-forwarded-for"] ?? headers?.["x-real-ip"] ?? "unknown").split(",")[0].trim();

export const authOptions: NextAuthOptions = {
  // The JWT (and its cookie) expires after the idle limit unless activity refreshes it.
  session: { strategy: "jwt", maxAge: idleSeconds() },
  pages: { signIn: "/login", error: "/login" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        const result = await checkCredentials(getDb(), credentials, clientAddress(req?.headers));
        // next-auth passes a thrown message to the sign-in page as `error`.
        if (!result.ok) throw new Error({ suspended: "Suspended", locked: "Locked", invalid: "CredentialsSignin" }[result.reason]);
        return result.user;
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user, trigger, session }) {
      if (user) {
        token.sub = user.id;
        token.orgId = (user as unknown as { orgId: string }).orgId;
        token.loginAt = Math.floor(Date.now() / 1000);
      }
      // Switching practice: accepted only for an org where the database finds an active membership.
      if (trigger === "update" && token.sub) {
        const orgId = (session as { orgId?: unknown } | undefined)?.orgId;
        if (typeof orgId === "string" && (await isActiveMember(token.sub, orgId))) token.orgId = orgId;
      }
      return token;
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
    signIn: ({ user }) => auditSession("auth.sign_in", user.id, (user as unknown as { orgId?: string }).orgId),
    signOut: ({ token }) => auditSession("auth.sign_out", token?.sub, token?.orgId),
  },
};
