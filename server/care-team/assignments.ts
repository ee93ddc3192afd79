import { and, eq } from "drizzle-orm";
import type { z } from "zod";
import type { careTeamAssignInput, careTeamUnassignInput } from "@/lib/schemas/admin";
import { audit } from "@/server/audit/record";
import { careTeam } from "@/server/db/schema";
import { AppError } from "@/server/errors";
import type { MemberCtx } from "@/server/request";

/** Nobody puts themselves on a care team. The policy refuses it too; this only says why in words. */
export function refuseSelfAssignment(ctx: MemberCtx, clinicianId: string) {
  if (clinicianId === ctx.userId)
    throw new AppError("FORBIDDEN", "You cannot put yourself on a care team; another admin must assign you.");
}

/** Puts a clinician on one or more patients' teams; already-assigned pairs are left as they are. */
export async function assignToTeams(ctx: MemberCtx, input: z.infer<typeof careTeamAssignInput>) {
  refuseSelfAssignment(ctx, input.clinicianId);
  const rows = await ctx.tx
    .insert(careTeam)
    .values(
      input.patientIds.map((patientId) => ({
        orgId: ctx.orgId,
        clinicianId: input.clinicianId,
        patientId,
        assignedBy: ctx.userId,
      })),
    )
    .onConflictDoNothing()
    .returning({ patientId: careTeam.patientId });
  await audit(
    ctx,
    ...rows.map((r) => ({ action: "care_team.assign" as const, entityId: input.clinicianId, patientId: r.patientId })),
  );
  return { assigned: rows.length };
}

export async function unassignFromTeam(ctx: MemberCtx, input: z.infer<typeof careTeamUnassignInput>) {
  const rows = await ctx.tx
    .delete(careTeam)
    .where(and(eq(careTeam.clinicianId, input.clinicianId), eq(careTeam.patientId, input.patientId)))
    .returning();
  if (rows.length === 0) throw new AppError("NOT_FOUND", "That clinician is not on this patient's team.");
  await audit(ctx, { action: "care_team.unassign", entityId: input.clinicianId, patientId: input.patientId });
  return { unassigned: rows.length };
}
