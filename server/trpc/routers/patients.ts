import { AppError } from "@/server/errors";
import { randomUUID } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { patientCreateInput, patientIdInput, patientListInput, patientUpdateInput } from "@/lib/schemas/patients";
import { audit } from "@/server/audit/record";
import { careTeam, patients, users } from "@/server/db/schema";
import { chartAccess, findVisiblePatient, listPatients, setArchived } from "@/server/patients/queries";
import { adminProcedure, memberProcedure, signedInProcedure, router } from "@/server/trpc/init";

export const patientsRouter = router({
  /** Keyset-paginated; the policies return only the caller's patients (server/patients/queries.ts). */
  list: signedInProcedure.input(patientListInput).query(async ({ ctx, input }) => {
    const result = await listPatients(ctx.tx, input);
    if (result.items.length > 0) {
      await audit(ctx, {
        action: "patient.list",
        detail: { patientIds: result.items.map((p) => p.id) },
      });
    }
    return result;
  }),

  /** The chart header: the patient, and why the caller may see it (the chart shows a banner for break-glass access). */
  byId: signedInProcedure.input(patientIdInput).query(async ({ ctx, input }) => {
    const patient = await findVisiblePatient(ctx.tx, input.id);
    const access = await chartAccess(ctx.tx, patient.id);
    await audit(ctx, { action: "patient.view", entityId: patient.id, patientId: patient.id });
    return { ...patient, access };
  }),

  /** Who looks after this patient (colleagues' names are visible within the practice). */
  careTeam: signedInProcedure.input(patientIdInput).query(async ({ ctx, input }) => {
    await findVisiblePatient(ctx.tx, input.id);
    return ctx.tx
      .select({ clinicianId: careTeam.clinicianId, name: users.name, assignedAt: careTeam.assignedAt })
      .from(careTeam)
      .leftJoin(users, eq(users.id, careTeam.clinicianId))
      .where(eq(careTeam.patientId, input.id))
      .orderBy(asc(users.name));
  }),

  /** Inserted without RETURNING: the row becomes visible to a clinician only once the trigger has put them on its care team. */
  create: memberProcedure.input(patientCreateInput).mutation(async ({ ctx, input }) => {
    const id = randomUUID();
    await ctx.tx.insert(patients).values({ ...input, id, orgId: ctx.orgId, createdBy: ctx.userId });
    const patient = await findVisiblePatient(ctx.tx, id);
    await audit(ctx, { action: "patient.create", entityId: id, patientId: id });
    return patient;
  }),

  /** Optimistic concurrency: the edit names the version it started from. */
  update: signedInProcedure.input(patientUpdateInput).mutation(async ({ ctx, input }) => {
    const { id, version, ...changes } = input;
    const [row] = await ctx.tx
      .update(patients)
      .set(changes)
      .where(and(eq(patients.id, id), eq(patients.version, version)))
      .returning();
    if (!row) {
      const current = await findVisiblePatient(ctx.tx, id);
      throw new AppError(
        "CONFLICT",
        `This patient was changed by someone else (now version ${current.version}). Reload to see the latest details; your edit was not saved.`,
      );
    }
    await audit(ctx, {
      action: "patient.update",
      entityId: id,
      patientId: id,
      detail: { fields: Object.keys(changes) },
    });
    return row;
  }),

  archive: adminProcedure.input(patientIdInput).mutation(async ({ ctx, input }) => {
    const row = await setArchived(ctx.tx, input.id, true);
    await audit(ctx, { action: "patient.archive", entityId: row.id, patientId: row.id });
    return row;
  }),

  restore: adminProcedure.input(patientIdInput).mutation(async ({ ctx, input }) => {
    const row = await setArchived(ctx.tx, input.id, false);
    await audit(ctx, { action: "patient.restore", entityId: row.id, patientId: row.id });
    return row;
  }),
});
