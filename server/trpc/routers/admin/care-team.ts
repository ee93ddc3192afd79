import { TRPCError } from "@trpc/server";
import { and, asc, count, eq, ilike, isNull, notExists, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { careTeamAssignInput, careTeamListInput, careTeamUnassignInput } from "../../../../lib/schemas/admin";
import { audit } from "../../../audit/record";
import { careTeam, memberships, patients, users } from "../../../db/schema";
import { currentOrg } from "../../../db/schema/rls";
import { adminProcedure, router } from "../../init";

const cursorSchema = z.object({ f: z.string(), g: z.string(), id: z.uuid() });

export const careTeamRouter = router({
  /** Active clinicians of the practice with their panel sizes (the count comes from care_team under RLS). */
  clinicians: adminProcedure.query(({ ctx }) =>
    ctx.tx
      .select({ userId: users.id, name: users.name, panelSize: count(careTeam.patientId) })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .leftJoin(careTeam, eq(careTeam.clinicianId, memberships.userId))
      .where(and(eq(memberships.orgId, currentOrg), eq(memberships.role, "clinician"), eq(memberships.status, "active")))
      .groupBy(users.id, users.name)
      .orderBy(asc(users.name)),
  ),

  /** Patients (unarchived) with their teams; `unassignedOnly` finds the ones nobody looks after. */
  patients: adminProcedure.input(careTeamListInput).query(async ({ ctx, input }) => {
    const where: (SQL | undefined)[] = [isNull(patients.archivedAt)];
    if (input.unassignedOnly) where.push(notExists(ctx.tx.select({ x: sql`1` }).from(careTeam).where(eq(careTeam.patientId, patients.id))));
    if (input.search) {
      const p = `%${input.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push(or(ilike(patients.familyName, p), ilike(patients.givenName, p), ilike(patients.mrn, p)));
    }
    if (input.cursor) {
      let c: z.infer<typeof cursorSchema>;
      try {
        c = cursorSchema.parse(JSON.parse(Buffer.from(input.cursor, "base64url").toString()));
      } catch {
        throw new TRPCError({ code: "BAD_REQUEST", message: "The page cursor is not valid." });
      }
      where.push(sql`(${patients.familyName}, ${patients.givenName}, ${patients.id}) > (${c.f}, ${c.g}, ${c.id})`);
    }
    const rows = await ctx.tx
      .select({ id: patients.id, mrn: patients.mrn, givenName: patients.givenName, familyName: patients.familyName })
      .from(patients)
      .where(and(...where))
      .orderBy(asc(patients.familyName), asc(patients.givenName), asc(patients.id))
      .limit(input.limit + 1);
    const page = rows.slice(0, input.limit);
    const teams = page.length
      ? await ctx.tx
          .select({ patientId: careTeam.patientId, clinicianId: careTeam.clinicianId, name: users.name })
          .from(careTeam)
          .innerJoin(users, eq(users.id, careTeam.clinicianId))
          .where(sql`${careTeam.patientId} in ${page.map((p) => p.id)}`)
      : [];
    const last = page[page.length - 1];
    return {
      items: page.map((p) => ({ ...p, team: teams.filter((t) => t.patientId === p.id).map((t) => ({ clinicianId: t.clinicianId, name: t.name })) })),
      nextCursor: rows.length > input.limit ? Buffer.from(JSON.stringify({ f: last.familyName, g: last.givenName, id: last.id })).toString("base64url") : null,
    };
  }),

  /** Single or bulk; already-assigned pairs are left as they are. */
  assign: adminProcedure.input(careTeamAssignInput).mutation(async ({ ctx, input }) => {
    // The policy refuses it too; this only says why in words.
    if (input.clinicianId === ctx.userId) {
      throw new TRPCError({ code: "FORBIDDEN", message: "You cannot put yourself on a care team; another admin must assign you." });
    }
    const rows = await ctx.tx
      .insert(careTeam)
      .values(input.patientIds.map((patientId) => ({ orgId: ctx.orgId!, clinicianId: input.clinicianId, patientId, assignedBy: ctx.userId })))
      .onConflictDoNothing()
      .returning({ patientId: careTeam.patientId });
    await audit(
      ctx,
      ...rows.map((r) => ({ action: "care_team.assign", entity: "care_team", entityId: input.clinicianId, patientId: r.patientId })),
    );
    return { assigned: rows.length };
  }),

  unassign: adminProcedure.input(careTeamUnassignInput).mutation(async ({ ctx, input }) => {
    const rows = await ctx.tx
      .delete(careTeam)
      .where(and(eq(careTeam.clinicianId, input.clinicianId), eq(careTeam.patientId, input.patientId)))
      .returning();
    if (rows.length === 0) throw new TRPCError({ code: "NOT_FOUND", message: "That clinician is not on this patient's team." });
    await audit(ctx, { action: "care_team.unassign", entity: "care_team", entityId: input.clinicianId, patientId: input.patientId });
    return { unassigned: rows.length };
  }),
});
