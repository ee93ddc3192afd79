import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { z } from "zod";
import type { invitationIdInput, inviteInput } from "@/lib/schemas/accounts";
import { audit } from "@/server/audit/record";
import { newToken } from "@/server/auth/tokens";
import type { Tx } from "@/server/db/client";
import { invitations, memberships, organizations, users } from "@/server/db/schema";
import { currentOrg } from "@/server/db/schema/rls";
import { AppError } from "@/server/errors";
import { sendMail } from "@/server/mail";
import { invitationMail } from "@/server/mail/messages";
import type { MemberCtx } from "@/server/request";

/**
 * The admin's side of invitations (the invitee's is server/invitations/invitee.ts): a pending,
 * single-use invitation (72 h) whose token only the recipient sees, mailed once the request has
 * committed, so no SMTP round trip holds the transaction and no link names a rolled-back row.
 */

type InvitationId = z.infer<typeof invitationIdInput>;

const NO_PENDING = "No pending invitation with that id.";

async function senderAndPractice(tx: Tx, userId: string) {
  const [me] = await tx.select({ name: users.name }).from(users).where(eq(users.id, userId));
  const [org] = await tx
    .select({ name: organizations.name })
    .from(organizations)
    .where(eq(organizations.id, currentOrg));
  return { inviterName: me.name, orgName: org.name };
}

/** Mails the invitation after COMMIT (names read now, in the request's transaction). */
async function mailAfterCommit(ctx: MemberCtx, to: string, role: "admin" | "clinician", token: string) {
  const mail = invitationMail({ to, role, token, ...(await senderAndPractice(ctx.tx, ctx.userId)) });
  ctx.afterCommit(() => sendMail(mail));
}

/** Keeps the `invited` membership of an existing account in step with the email's pending invitations. */
async function syncMembership(ctx: MemberCtx, email: string) {
  await ctx.tx.execute(sql`select app_invitation_sync_membership(${ctx.orgId}::uuid, ${email})`);
}

/**
 * Invites a person by email; for an existing account an `invited` membership that grants nothing.
 * The answer is the same whether or not the email has an account; only an active or suspended
 * member of this practice (whom the admin can already see) is refused.
 */
export async function invite(ctx: MemberCtx, input: z.infer<typeof inviteInput>) {
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
  await syncMembership(ctx, input.email);
  await audit(ctx, { action: "member.invite", entityId: row.id, detail: { role: input.role } });
  await mailAfterCommit(ctx, input.email, input.role, token);
  return { sent: true as const };
}

/** Invitations not yet accepted or revoked (expired ones too, so they can be resent). */
export function pendingInvitations({ tx }: MemberCtx) {
  return tx
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
    .orderBy(desc(invitations.createdAt));
}

/** A new token and 72 hours; the old link stops working. */
export async function resendInvitation(ctx: MemberCtx, input: InvitationId) {
  const { token, hash } = newToken();
  const [row] = await ctx.tx
    .update(invitations)
    .set({ tokenHash: hash, expiresAt: sql`now() + interval '72 hours'` })
    .where(eq(invitations.id, input.invitationId))
    .returning({ email: invitations.email, role: invitations.role });
  if (!row) throw new AppError("NOT_FOUND", NO_PENDING);
  await syncMembership(ctx, row.email);
  await audit(ctx, { action: "member.invite_resend", entityId: input.invitationId });
  await mailAfterCommit(ctx, row.email, row.role, token);
  return { sent: true as const };
}

export async function revokeInvitation(ctx: MemberCtx, input: InvitationId) {
  const [row] = await ctx.tx
    .update(invitations)
    .set({ revokedAt: sql`now()` })
    .where(eq(invitations.id, input.invitationId))
    .returning({ email: invitations.email });
  if (!row) throw new AppError("NOT_FOUND", NO_PENDING);
  await syncMembership(ctx, row.email);
  await audit(ctx, { action: "member.invite_revoke", entityId: input.invitationId });
  return { revoked: true as const };
}
