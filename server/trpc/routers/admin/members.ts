import { AppError } from "@/server/errors";
import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import { invitationIdInput, inviteInput } from "@/lib/schemas/accounts";
import { memberRoleChangeInput, memberStatusInput, memberUserInput } from "@/lib/schemas/admin";
import { audit } from "@/server/audit/record";
import { endMemberSessions, liveSessions } from "@/server/auth/sessions";
import { newToken } from "@/server/auth/tokens";
import type { Tx } from "@/server/db/client";
import { invitations, memberships, organizations, users } from "@/server/db/schema";
import { sendMail } from "@/server/mail";
import { invitationMail } from "@/server/mail/messages";
import { currentOrg } from "@/server/db/schema/rls";
import { adminProcedure, router } from "@/server/trpc/init";

async function changeMembership(tx: Tx, userId: string, set: Partial<typeof memberships.$inferInsert>) {
  // The policy limits the UPDATE to the current org; another org's member matches no row.
  const [row] = await tx.update(memberships).set(set).where(eq(memberships.userId, userId)).returning(); // the keep-an-admin trigger's refusal is mapped in server/trpc/errors.ts
  if (!row) throw new AppError("NOT_FOUND", "Member not found.");
  return row;
}

async function senderAndPractice(tx: Tx, userId: string) {
  const [me] = await tx.select({ name: users.name }).from(users).where(eq(users.id, userId));
  const [org] = await tx
    .select({ name: organizations.name })
    .from(organizations)
    .where(eq(organizations.id, currentOrg));
  return { inviterName: me.name, orgName: org.name };
}

/** The member's row in the current practice, or NOT_FOUND (another practice's user is the same as none). */
async function memberHere(tx: Tx, userId: string) {
  const [row] = await tx
    .select({ status: memberships.status })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.orgId, currentOrg)));
  if (!row) throw new AppError("NOT_FOUND", "Member not found.");
  return row;
}

export const membersRouter = router({
  list: adminProcedure.query(({ ctx }) =>
    ctx.tx
      .select({
        userId: users.id,
        name: users.name,
        email: users.email,
        role: memberships.role,
        status: memberships.status,
        since: memberships.createdAt,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      // Not a security filter: the policy also shows the admin's own memberships elsewhere.
      .where(eq(memberships.orgId, currentOrg))
      .orderBy(asc(users.name)),
  ),

  /**
   * Invites a person by email: a pending, single-use invitation (72 h) whose token only the
   * recipient sees, and for an existing account an `invited` membership that grants nothing. The
   * answer is the same whether or not the email has an account; only an active or suspended member
   * of this practice (whom the admin can already see) is refused.
   */
  invite: adminProcedure.input(inviteInput).mutation(async ({ ctx, input }) => {
    const [member] = await ctx.tx
      .select({ id: users.id })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.orgId, currentOrg), sql`lower(${users.email}) = ${input.email}`));
    if (member) throw new AppError("CONFLICT", "That person is already a member of this practice.");
    // A new invitation replaces a pending one for the same email: only the newest link works.
    await ctx.tx
      .update(invitations)
      .set({ revokedAt: sql`now()` })
      .where(
        and(
          eq(invitations.orgId, currentOrg),
          sql`lower(${invitations.email}) = ${input.email}`,
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
        ),
      );
    const { token, hash } = newToken();
    const [row] = await ctx.tx
      .insert(invitations)
      .values({
        orgId: ctx.orgId,
        email: input.email,
        name: input.name,
        role: input.role,
        tokenHash: hash,
        invitedBy: ctx.userId,
        expiresAt: sql`now() + interval '72 hours'`,
      })
      .returning({ id: invitations.id });
    await ctx.tx.execute(sql`select app_invitation_sync_membership(${ctx.orgId}::uuid, ${input.email})`);
    await audit(ctx, { action: "member.invite", entityId: row.id, detail: { role: input.role } });
    await sendMail(
      invitationMail({ to: input.email, role: input.role, token, ...(await senderAndPractice(ctx.tx, ctx.userId)) }),
    );
    return { sent: true as const };
  }),

  /** Invitations not yet accepted or revoked (expired ones too, so they can be resent). */
  invitations: adminProcedure.query(({ ctx }) =>
    ctx.tx
      .select({
        id: invitations.id,
        email: invitations.email,
        name: invitations.name,
        role: invitations.role,
        createdAt: invitations.createdAt,
        expiresAt: invitations.expiresAt,
      })
      .from(invitations)
      .where(and(eq(invitations.orgId, currentOrg), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
      .orderBy(desc(invitations.createdAt)),
  ),

  /** A new token and 72 hours; the old link stops working. */
  resendInvitation: adminProcedure.input(invitationIdInput).mutation(async ({ ctx, input }) => {
    const { token, hash } = newToken();
    const [row] = await ctx.tx
      .update(invitations)
      .set({ tokenHash: hash, expiresAt: sql`now() + interval '72 hours'` })
      .where(eq(invitations.id, input.invitationId))
      .returning({ email: invitations.email, role: invitations.role });
    if (!row) throw new AppError("NOT_FOUND", "No pending invitation with that id.");
    await ctx.tx.execute(sql`select app_invitation_sync_membership(${ctx.orgId}::uuid, ${row.email})`);
    await audit(ctx, { action: "member.invite_resend", entityId: input.invitationId });
    await sendMail(
      invitationMail({ to: row.email, role: row.role, token, ...(await senderAndPractice(ctx.tx, ctx.userId)) }),
    );
    return { sent: true as const };
  }),

  revokeInvitation: adminProcedure.input(invitationIdInput).mutation(async ({ ctx, input }) => {
    const [row] = await ctx.tx
      .update(invitations)
      .set({ revokedAt: sql`now()` })
      .where(eq(invitations.id, input.invitationId))
      .returning({ email: invitations.email });
    if (!row) throw new AppError("NOT_FOUND", "No pending invitation with that id.");
    await ctx.tx.execute(sql`select app_invitation_sync_membership(${ctx.orgId}::uuid, ${row.email})`);
    await audit(ctx, { action: "member.invite_revoke", entityId: input.invitationId });
    return { revoked: true as const };
  }),

  setRole: adminProcedure.input(memberRoleChangeInput).mutation(async ({ ctx, input }) => {
    const row = await changeMembership(ctx.tx, input.userId, { role: input.role });
    await audit(ctx, {
      action: "member.role",
      entityId: input.userId,
      detail: { role: input.role },
    });
    return row;
  }),

  /** A member's live sessions (device, last seen). The sessions policy shows only active members'. */
  sessions: adminProcedure.input(memberUserInput).query(async ({ ctx, input }) => {
    await memberHere(ctx.tx, input.userId);
    return liveSessions(ctx.tx, input.userId, ctx.sessionId);
  }),

  /**
   * Ends an active member's sessions in this practice (they must sign in again here, on every
   * device); their sessions in another practice go on there but cannot come back here.
   */
  signOutEverywhere: adminProcedure.input(memberUserInput).mutation(async ({ ctx, input }) => {
    await memberHere(ctx.tx, input.userId);
    const ended = await endMemberSessions(ctx.tx, input.userId);
    await audit(ctx, {
      action: "member.sign_out_everywhere",
      entityId: input.userId,
      detail: { endedSessions: ended },
    });
    return { ended };
  }),

  /**
   * Suspension cuts access on the member's next request (app_org_id() checks the status every
   * statement) and ends the member's sessions in this practice (trigger
   * memberships_suspend_ends_sessions); sessions elsewhere go on there, barred from here.
   */
  setStatus: adminProcedure.input(memberStatusInput).mutation(async ({ ctx, input }) => {
    const row = await changeMembership(ctx.tx, input.userId, { status: input.status });
    await audit(ctx, {
      action: input.status === "active" ? "member.reactivate" : "member.suspend",
      entityId: input.userId,
    });
    return row;
  }),
});
