import { AppError } from "@/server/errors";
import { and, asc, eq, ne, sql } from "drizzle-orm";
import {
  appointmentCancelInput,
  appointmentCreateInput,
  appointmentListInput,
  schedulingCliniciansInput,
} from "@/lib/schemas/appointments";
import { isoDay } from "@/lib/time";
import { audit } from "@/server/audit/record";
import { appointments, users } from "@/server/db/schema";
import { findVisiblePatient } from "@/server/patients/queries";
import { bookableClinicians, bookVisit, practiceZone, visitsOfDay } from "@/server/scheduling/visits";
import { memberProcedure, signedInProcedure, router } from "@/server/trpc/init";

export const appointmentsRouter = router({
  /** A patient's appointments, split at now; the policies hide those of patients the caller cannot see. */
  list: signedInProcedure.input(appointmentListInput).query(async ({ ctx, input }) => {
    await findVisiblePatient(ctx.tx, input.patientId);
    const rows = await ctx.tx
      .select({
        id: appointments.id,
        startsAt: appointments.startsAt,
        endsAt: appointments.endsAt,
        status: appointments.status,
        reason: appointments.reason,
        visitType: appointments.visitType,
        doubleBooked: appointments.doubleBooked,
        clinicianId: appointments.clinicianId,
        clinicianName: users.name,
      })
      .from(appointments)
      .leftJoin(users, eq(users.id, appointments.clinicianId))
      .where(eq(appointments.patientId, input.patientId))
      .orderBy(asc(appointments.startsAt));
    await audit(ctx, { action: "appointment.list", patientId: input.patientId });
    const now = Date.now();
    return {
      upcoming: rows.filter((a) => a.startsAt.getTime() >= now),
      past: rows.filter((a) => a.startsAt.getTime() < now).reverse(),
    };
  }),

  /** Who the patient can be booked with: the signed-in clinician and the care team first. */
  clinicians: signedInProcedure.input(schedulingCliniciansInput).query(async ({ ctx, input }) => {
    await findVisiblePatient(ctx.tx, input.patientId);
    return bookableClinicians(ctx.tx, input.patientId, ctx.userId);
  }),

  /**
   * Books with the chosen clinician (the caller when none is given). A clinician's overlapping
   * visits are refused by the database unless an admin double-books on purpose (audited).
   */
  create: memberProcedure.input(appointmentCreateInput).mutation(async ({ ctx, input }) => {
    await findVisiblePatient(ctx.tx, input.patientId);
    const admin = await ctx.isAdmin();
    const row = await bookVisit(
      ctx.tx,
      {
        orgId: ctx.orgId,
        patientId: input.patientId,
        clinicianId: input.clinicianId ?? ctx.userId,
        startsAt: input.startsAt,
        durationMinutes: input.durationMinutes,
        reason: input.reason,
        visitType: input.visitType,
        doubleBook: input.doubleBook,
      },
      admin,
    );
    await audit(ctx, {
      action: row.doubleBooked ? "appointment.double_book" : "appointment.create",
      entityId: row.id,
      patientId: row.patientId,
      detail: { clinicianId: row.clinicianId, visitType: row.visitType, doubleBooked: row.doubleBooked },
    });
    return row;
  }),

  /** The signed-in clinician's visits today (the practice's day), for the Today page. */
  today: signedInProcedure.query(async ({ ctx }) => {
    const tz = await practiceZone(ctx.tx);
    const now = new Date();
    const day = isoDay(now, tz);
    const rows = await visitsOfDay(ctx.tx, ctx.userId, day);
    await audit(ctx, {
      action: "appointment.today",
      detail: { day, patientIds: rows.map((r) => r.patient_id) },
    });
    return {
      day,
      now,
      timeZone: tz,
      visits: rows.map((r) => ({
        id: r.id,
        patientId: r.patient_id,
        patientName: `${r.given_name} ${r.family_name}`,
        mrn: r.mrn,
        startsAt: new Date(r.starts_at),
        endsAt: new Date(r.ends_at),
        status: r.status,
        reason: r.reason,
        visitType: r.visit_type,
      })),
    };
  }),

  cancel: signedInProcedure.input(appointmentCancelInput).mutation(async ({ ctx, input }) => {
    const [row] = await ctx.tx
      .update(appointments)
      .set({ status: "cancelled" })
      .where(
        and(eq(appointments.id, input.id), ne(appointments.status, "cancelled"), sql`${appointments.startsAt} > now()`),
      )
      .returning();
    if (!row) throw new AppError("NOT_FOUND", "No upcoming appointment with that id.");
    await audit(ctx, {
      action: "appointment.cancel",
      entityId: row.id,
      patientId: row.patientId,
      detail: input.reason ? { reason: input.reason } : {},
    });
    return row;
  }),
});
