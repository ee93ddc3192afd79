import { and, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import type { mfaPolicyInput, resetMemberFactorInput } from "@/lib/schemas/two-factor";
import { audit } from "@/server/audit/record";
import { removeFactor } from "@/server/auth/mfa";
import { memberships, organizations } from "@/server/db/schema";
import { AppError } from "@/server/errors";
import type { MemberCtx } from "@/server/request";

const MEMBER_OF_ANOTHER_PRACTICE =
  "This member also belongs to another practice, so their second factor guards that practice too. They can replace it themselves with a recovery code on their account page; nobody else can reset it.";

/** Who in the practice must use a second factor (off, admins, everyone). */
export async function setMfaPolicy(ctx: MemberCtx, input: z.infer<typeof mfaPolicyInput>) {
  await ctx.tx.update(organizations).set({ mfaPolicy: input.policy }).where(eq(organizations.id, ctx.orgId));
  await audit(ctx, { action: "settings.mfa_policy", entityId: ctx.orgId, detail: { policy: input.policy } });
  return { policy: input.policy };
}

/** Removes a member's factor and recovery codes; they must enroll again. Never your own (use a recovery code). */
export async function resetFactor(ctx: MemberCtx, input: z.infer<typeof resetMemberFactorInput>) {
  if (input.userId === ctx.userId) {
    throw new AppError(
      "BAD_REQUEST",
      "You cannot reset your own second factor here. Use one of your recovery codes on your account page.",
    );
  }
  // Someone who is not an active member here is not found, whatever else they belong to.
  const [member] = await ctx.tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(
      and(eq(memberships.userId, input.userId), eq(memberships.orgId, ctx.orgId), eq(memberships.status, "active")),
    );
  if (!member) throw new AppError("NOT_FOUND", "That member has no second factor.");
  // A factor guards every practice its owner belongs to: the policies let an admin remove it only
  // for someone who belongs to no other practice (app_member_only_here).
  const [scope] = await ctx.tx.execute<{ only_here: boolean }>(
    sql`select app_member_only_here(${input.userId}::uuid) as only_here`,
  );
  if (!scope?.only_here) throw new AppError("FORBIDDEN", MEMBER_OF_ANOTHER_PRACTICE);
  if (!(await removeFactor(ctx.tx, input.userId))) throw new AppError("NOT_FOUND", "That member has no second factor.");
  await audit(ctx, { action: "auth.mfa_reset", entityId: input.userId, detail: { by: "admin" } });
  return { reset: true };
}
