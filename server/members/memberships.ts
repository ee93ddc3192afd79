import { and, asc, eq } from "drizzle-orm";
import type { z } from "zod";
import type { memberRoleChangeInput, memberStatusInput } from "@/lib/schemas/admin";
import { audit } from "@/server/audit/record";
import type { Tx } from "@/server/db/client";
import { columnsOf } from "@/server/db/columns";
import { memberships, users } from "@/server/db/schema";
import { currentOrg } from "@/server/db/schema/rls";
import { AppError } from "@/server/errors";
import type { MemberCtx } from "@/server/request";

/** Active clinicians of the current practice: who may be booked, cover or join a care team. */
export const activeClinicianHere = () =>
  and(eq(memberships.orgId, currentOrg), eq(memberships.role, "clinician"), eq(memberships.status, "active"));

/** The practice's members (any status), by name. */
export function listMembers({ tx }: MemberCtx) {
  return (
    tx
      .select({
        userId: users.id,
        ...columnsOf(users, "name", "email"),
        ...columnsOf(memberships, "role", "status"),
        since: memberships.createdAt,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      // Not a security filter: the policy also shows the admin's own memberships elsewhere.
      .where(eq(memberships.orgId, currentOrg))
      .orderBy(asc(users.name))
  );
}

/** The member's row in the current practice, or NOT_FOUND (another practice's user is the same as none). */
export async function memberHere(tx: Tx, userId: string) {
  const [row] = await tx
    .select({ status: memberships.status })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.orgId, currentOrg)));
  if (!row) throw new AppError("NOT_FOUND", "Member not found.");
  return row;
}

async function changeMembership(tx: Tx, userId: string, set: Partial<typeof memberships.$inferInsert>) {
  // The policy limits the UPDATE to the current org; another org's member matches no row.
  const [row] = await tx.update(memberships).set(set).where(eq(memberships.userId, userId)).returning(); // the keep-an-admin trigger's refusal is mapped in server/trpc/errors.ts
  if (!row) throw new AppError("NOT_FOUND", "Member not found.");
  return row;
}

export async function setMemberRole(ctx: MemberCtx, input: z.infer<typeof memberRoleChangeInput>) {
  const row = await changeMembership(ctx.tx, input.userId, { role: input.role });
  await audit(ctx, { action: "member.role", entityId: input.userId, detail: { role: input.role } });
  return row;
}

/**
 * Suspension cuts access on the member's next request (app_org_id() checks the status every
 * statement) and ends the member's sessions in this practice (trigger
 * memberships_suspend_ends_sessions); sessions elsewhere go on there, barred from here.
 */
export async function setMemberStatus(ctx: MemberCtx, input: z.infer<typeof memberStatusInput>) {
  const row = await changeMembership(ctx.tx, input.userId, { status: input.status });
  await audit(ctx, {
    action: input.status === "active" ? "member.reactivate" : "member.suspend",
    entityId: input.userId,
  });
  return row;
}
