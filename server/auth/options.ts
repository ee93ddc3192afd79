import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { sql } from "drizzle-orm";
import { getDb } from "../db/client";
import { withRlsContext } from "../db/context";
import { checkCredentials } from "./credentials";

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

/** True when the user is an active member of the org, as the database (not the cookie) says. */
export async function isActiveMember(userId: string, orgId: string): Promise<boolean> {
  return withRlsContext(getDb(), { userId, orgId }, async (tx) => {
    const [row] = await tx.execute<{ org: string | null }>(sql`select app_org_id() as org`);
    return row?.org === orgId;
  });
}

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/login", error: "/login" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials) {
        const result = await checkCredentials(getDb(), credentials);
        // next-auth passes a thrown message to the sign-in page as `error`.
        if (!result.ok) throw new Error(result.reason === "suspended" ? "Suspended" : "CredentialsSignin");
        return result.user;
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user, trigger, session }) {
      if (user) {
        token.sub = user.id;
        token.orgId = (user as unknown as { orgId: string }).orgId;
      }
      // Switching practice: accepted only for an org where the database finds an active membership.
      if (trigger === "update" && token.sub) {
        const orgId = (session as { orgId?: unknown } | undefined)?.orgId;
        if (typeof orgId === "string" && (await isActiveMember(token.sub, orgId))) token.orgId = orgId;
      }
      return token;
    },
    session({ session, token }) {
      return { ...session, user: { ...session.user, id: token.sub! }, orgId: (token.orgId as string | null) ?? null };
    },
  },
};
