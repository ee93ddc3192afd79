import { AppError } from "@/server/errors";
import { and, asc, count, eq } from "drizzle-orm";
import { careTeamAssignInput, careTeamListInput, careTeamUnassignInput } from "@/lib/schemas/admin";
import { audit } from "@/server/audit/record";
import { patientsWithTeams } from "@/server/care-team/queries";
import { careTeam, memberships, users } from "@/server/db/schema";
import { currentOrg } from "@/server/db/schema/rls";
import { adminProcedure, router } from "@/server/trpc/init";

export const careTeamRouter = router({
  /** Active clinicians of the practice with their panel sizes (the count comes from care_team under RLS). */
  clinicians: adminProcedure.query(({ ctx }) =>
    ctx.tx
      .select({ userId: users.id, name: users.name, panelSize: count(careTeam.patientId) })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .leftJoin(careTeam, eq(careTeam.clinicianId, memberships.userId))
      .where(
        and(eq(memberships.orgId, currentOrg), eq(memberships.role, "clinician"), eq(memberships.status, "active")),
      )
      .groupBy(users.id, users.name)
      .orderBy(asc(users.name)),
  ),

  /** Patients (unarchived) with their teams; `unassignedOnly` finds the ones nobody looks after. */
  patients: adminProcedure.input(careTeamListInput).query(({ ctx, input }) => patientsWithTeams(ctx.tx, input)),

  /** Single or bulk; already-assigned pairs are left as they are. */
  assign: adminProcedure.input(careTeamAssignInput).mutation(async ({ ctx, input }) => {
    // The policy refuses it too; this only says why in words.
    if (input.clinicianId === ctx.userId) {
      throw new AppError("FORBIDDEN", "You cannot put yourself on a care team; another admin must assign you.");
    }
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
      ...rows.map((r) => ({
        action: "care_team.assign" as const,
        entity: "care_team",
        entityId: input.clinicianId,
        patientId: r.patientId,
      })),
    );
    return { assigned: rows.length };
  }),

  unassign: adminProcedure.input(careTeamUnassignInput).mutation(async ({ ctx, input }) => {
    const rows = await ctx.tx
      .delete(careTeam)
      .where(and(eq(careTeam.clinicianId, input.clinicianId), eq(careTeam.patientId, input.patientId)))
      .returning();
    if (rows.length === 0) throw new AppError("NOT_FOUND", "That clinician is not on this patient's team.");
    await audit(ctx, {
      action: "care_team.unassign",
      entityId: input.clinicianId,
      patientId: input.patientId,
    });
    return { unassigned: rows.length };
  }),
});
