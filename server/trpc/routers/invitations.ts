import { TRPCError } from "@trpc/server";
import { sql } from "drizzle-orm";
import { acceptExistingInput, acceptNewInput, invitationTokenInput } from "../../../lib/schemas/accounts";
import { hashPassword } from "../../auth/password";
import { assertPasswordPolicy } from "../../auth/password-policy";
import { hashToken } from "../../auth/tokens";
import type { Tx } from "../../db/client";
import { anonymousTx, orgProcedure, publicProcedure, router } from "../init";

type Preview = {
  org_name: string;
  email: string;
  name: string;
  role: "admin" | "clinician";
  account_exists: boolean;
  expires_at: Date;
};

async function preview(tx: Tx, token: string) {
  const [row] = await tx.execute<Preview>(sql`select * from app_invitation_preview(${hashToken(token)})`);
  return row ?? null;
}

/**
 * The invitee's side. The emailed token is the credential: its holder sees the practice, email and
 * role, and either creates the account (new email) or, signed in as that email, accepts.
 */
export const invitationsRouter = router({
  /** null for a token that is unknown, used, revoked or expired (one answer for all four). */
  preview: publicProcedure.input(invitationTokenInput).query(({ ctx, input }) =>
    anonymousTx(ctx.db, async (tx) => {
      const row = await preview(tx, input.token);
      return (
        row && {
          orgName: row.org_name,
          email: row.email,
          name: row.name,
          role: row.role,
          accountExists: row.account_exists,
          expiresAt: new Date(row.expires_at),
        }
      );
    }),
  ),

  /** A new person sets their name and password; the account and its active membership are created together. */
  acceptNew: publicProcedure.input(acceptNewInput).mutation(({ ctx, input }) =>
    anonymousTx(ctx.db, async (tx) => {
      const row = await preview(tx, input.token);
      if (!row)
        throw new TRPCError({
          code: "NOT_FOUND",
          message: "This invitation is not valid: it was used, revoked or has expired.",
        });
      if (row.account_exists)
        throw new TRPCError({
          code: "CONFLICT",
          message: "An account already uses this email. Sign in to accept the invitation.",
        });
      assertPasswordPolicy({ email: row.email, name: input.name, password: input.password }, "password");
      const passwordHash = await hashPassword(input.password);
      await tx.execute(
        sql`select * from app_invitation_accept_new(${hashToken(input.token)}, ${input.name}, ${passwordHash}, ${ctx.requestId})`,
      );
      return { email: row.email, orgName: row.org_name };
    }),
  ),

  /** The signed-in account holder accepts, with the emailed token or from their list of pending invitations. */
  accept: orgProcedure.input(acceptExistingInput).mutation(async ({ ctx, input }) => {
    const tokenHash = "token" in input ? hashToken(input.token) : null;
    const invitationId = "invitationId" in input ? input.invitationId : null;
    const [row] = await ctx.tx.execute<{ org_id: string }>(
      sql`select app_invitation_accept_existing(${tokenHash}, ${invitationId}::uuid, ${ctx.requestId}) as org_id`,
    );
    const [org] = await ctx.tx.execute<{ name: string }>(sql`select name from organizations where id = ${row.org_id}`);
    return { orgId: row.org_id, orgName: org?.name ?? "" };
  }),

  /** Pending invitations addressed to the signed-in user's email. */
  mine: orgProcedure.query(async ({ ctx }) => {
    const rows = await ctx.tx.execute<{
      id: string;
      org_id: string;
      org_name: string;
      role: "admin" | "clinician";
      expires_at: Date;
    }>(sql`select * from app_my_invitations()`);
    return rows.map((r) => ({
      id: r.id,
      orgId: r.org_id,
      orgName: r.org_name,
      role: r.role,
      expiresAt: new Date(r.expires_at),
    }));
  }),
});
