import { TRPCError } from "@trpc/server";
import { and, asc, eq, ne, sql } from "drizzle-orm";
import { appointmentCancelInput, appointmentCreateInput, appointmentListInput } from "../../../lib/schemas/appointments";
import { audit } from "../../audit/record";
import { appointments, users } from "../../db/schema";
import { orgProcedure, router } from "../init";
import { findPatient } from "./patients";

export const appointmentsRouter = router({
  /** A patient's appointments, split at now; the policies hide those of patients the caller cannot see. */
  list: orgProcedure.input(appointmentListInput).query(async ({ ctx, input }) => {
    await findPatient(ctx.tx, input.patientId);
    const rows = await ctx.tx
      .select({
        id: appointments.id,
        startsAt: appointments.startsAt,
        endsAt: appointments.endsAt,
        status: appointments.status,
        reason: appointments.reason,
        clinicianId: appointments.clinicianId,
        clinicianName: users.name,
      })
      .from(appointments)
      .leftJoin(users, eq(users.id, appointments.clinicianId))
      .where(eq(appointments.patientId, input.patientId))
      .orderBy(asc(appointments.startsAt));
    await audit(ctx, { action: "appointment.list", entity: "appointment", patientId: input.patientId });
    const now = Date.now();
    return {
      upcoming: rows.filter((a) => a.startsAt.getTime() >= now),
      past: rows.filter((a) => a.startsAt.getTime() < now).reverse(),
    };
  }),

  /** Booked with the caller as clinician; the insert policy refuses a patient they cannot see. */
  create: orgProcedure.input(appointmentCreateInput).mutation(async ({ ctx, input }) => {
    if (!ctx.orgId) throw new TRPCError({ code: "FORBIDDEN", message: "Choose a practice first." });
    await findPatient(ctx.tx, input.patientId);
    const [row] = await ctx.tx
      .insert(appointments)
      .values({
        orgId: ctx.orgId,
        patientId: input.patientId,
        clinicianId: ctx.userId,
        startsAt: input.startsAt,
        endsAt: new Date(input.startsAt.getTime() + input.durationMinutes * 60_000),
        reason: input.reason,
      })
      .returning();
    await audit(ctx, { action: "appointment.create", entity: "appointment", entityId: row.id, patientId: row.patientId });
    return row;
  }),

  cancel: orgProcedure.input(appointmentCancelInput).mutation(async ({ ctx, input }) => {
    const [row] = await ctx.tx
      .update(appointments)
      .set({ status: "cancelled" })
      .where(and(eq(appointments.id, input.id), ne(appointments.status, "cancelled"), sql`${appointments.startsAt} > now()`))
      .returning();
    if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No upcoming appointment with that id." });
    await audit(ctx, { action: "appointment.cancel", entity: "appointment", entityId: row.id, patientId: row.patientId, detail: input.reason ? { reason: input.reason } : {} });
    return row;
  }),
});
