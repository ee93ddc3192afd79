import { randomBytes, randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { and, asc, eq, sql } from "drizzle-orm";
import { memberAddInput, memberRoleChangeInput, memberStatusInput, memberUserInput } from "../../../../lib/schemas/admin";
import { audit } from "../../../audit/record";
import { hashPassword } from "../../../auth/password";
import { liveSessions, revokeUserSessions } from "../../../auth/sessions";
import type { Tx } from "../../../db/client";
import { memberships, users } from "../../../db/schema";
import { currentOrg } from "../../../db/schema/rls";
import { adminProcedure, router } from "../../init";

async function changeMembership(tx: Tx, userId: string, set: Partial<typeof memberships.$inferInsert>) {
  // The policy limits the UPDATE to the current org; another org's member matches no row.
  const [row] = await tx
    .update(memberships)
    .set(set)
    .where(eq(memberships.userId, userId))
    .returning()
    .catch((err: unknown) => {
      // The memberships_keep_an_admin trigger.
      if (/at least one active admin/.test(String((err as { cause?: Error }).cause?.message ?? err))) {
        throw new TRPCError({ code: "CONFLICT", message: "A practice must keep at least one active admin." });
      }
      throw err;
    });
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "Member not found." });
  return row;
}

/** The member's row in the current practice, or NOT_FOUND (another practice's user is the same as none). */
async function memberHere(tx: Tx, userId: string) {
  const [row] = await tx.select({ status: memberships.status }).from(memberships).where(and(eq(memberships.userId, userId), eq(memberships.orgId, currentOrg)));
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "Member not found." });
  return row;
}

export const membersRouter = router({
  list: adminProcedure.query(({ ctx }) =>
    ctx.tx
      .select({ userId: users.id, name: users.name, email: users.email, role: memberships.role, status: memberships.status, since: memberships.createdAt })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      // Not a security filter: the policy also shows the admin's own memberships elsewhere.
      .where(eq(memberships.orgId, currentOrg))
      .orderBy(asc(users.name)),
  ),

  /** An existing person by email, or a new account whose one-time password is returned once and never stored in clear. */
  add: adminProcedure.input(memberAddInput).mutation(async ({ ctx, input }) => {
    let userId: string;
    let oneTimePassword: string | null = null;
    if (input.kind === "existing") {
      const [row] = await ctx.tx.execute<{ id: string | null }>(sql`select app_find_user_id_by_email(${input.email}) as id`);
      if (!row?.id) throw new TRPCError({ code: "NOT_FOUND", message: "No account uses that email. Create a new account instead." });
      userId = row.id;
    } else {
      userId = randomUUID();
      oneTimePassword = randomBytes(12).toString("base64url");
      // No RETURNING: the new user becomes visible to the admin only with its membership.
      await ctx.tx.insert(users).values({ id: userId, email: input.email, name: input.name, passwordHash: await hashPassword(oneTimePassword) });
    }
    await ctx.tx.insert(memberships).values({ userId, orgId: ctx.orgId!, role: input.role });
    await audit(ctx, { action: "member.add", entity: "membership", entityId: userId, detail: { role: input.role, kind: input.kind } });
    return { userId, oneTimePassword };
  }),

  setRole: adminProcedure.input(memberRoleChangeInput).mutation(async ({ ctx, input }) => {
    const row = await changeMembership(ctx.tx, input.userId, { role: input.role });
    await audit(ctx, { action: "member.role", entity: "membership", entityId: input.userId, detail: { role: input.role } });
    return row;
  }),

  /** A member's live sessions (device, last seen). The sessions policy shows only active members'. */
  sessions: adminProcedure.input(memberUserInput).query(async ({ ctx, input }) => {
    await memberHere(ctx.tx, input.userId);
    return liveSessions(ctx.tx, input.userId, ctx.sessionId);
  }),

  /** Ends every session of an active member (they must sign in again, on every device). */
  signOutEverywhere: adminProcedure.input(memberUserInput).mutation(async ({ ctx, input }) => {
    await memberHere(ctx.tx, input.userId);
    const ended = await revokeUserSessions(ctx.tx, input.userId);
    await audit(ctx, { action: "member.sign_out_everywhere", entity: "membership", entityId: input.userId, detail: { endedSessions: ended } });
    return { ended };
  }),

  /**
   * Suspension cuts access on the member's next request (app_org_id() checks the status every
   * statement) and ends the member's sessions (trigger memberships_suspend_ends_sessions).
   */
  setStatus: adminProcedure.input(memberStatusInput).mutation(async ({ ctx, input }) => {
    const row = await changeMembership(ctx.tx, input.userId, { status: input.status });
    await audit(ctx, { action: `member.${input.status === "active" ? "reactivate" : "suspend"}`, entity: "membership", entityId: input.userId });
    return row;
  }),
});
