import { and, eq, ne, sql } from "drizzle-orm";
import type { z } from "zod";
import type {
  appointmentCancelInput,
  appointmentCreateInput,
  schedulingCliniciansInput,
} from "@/lib/schemas/appointments";
import { audit } from "@/server/audit/record";
import { appointments } from "@/server/db/schema";
import { AppError } from "@/server/errors";
import { findVisiblePatient } from "@/server/patients/queries";
import type { MemberCtx, RequestCtx } from "@/server/request";
import { bookableClinicians, bookVisit } from "./visits";

/** Who the patient can be booked with: the signed-in clinician and the care team first. */
export async function bookingClinicians(ctx: RequestCtx, input: z.infer<typeof schedulingCliniciansInput>) {
  await findVisiblePatient(ctx.tx, input.patientId);
  return bookableClinicians(ctx.tx, input.patientId, ctx.userId);
}

/**
 * Books with the chosen clinician (the caller when none is given). A clinician's overlapping
 * visits are refused by the database unless an admin double-books on purpose (audited).
 */
export async function bookAppointment(
  ctx: MemberCtx & { isAdmin(): Promise<boolean> },
  input: z.infer<typeof appointmentCreateInput>,
) {
  await findVisiblePatient(ctx.tx, input.patientId);
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
    await ctx.isAdmin(),
  );
  await audit(ctx, {
    action: row.doubleBooked ? "appointment.double_book" : "appointment.create",
    entityId: row.id,
    patientId: row.patientId,
    detail: { clinicianId: row.clinicianId, visitType: row.visitType, doubleBooked: row.doubleBooked },
  });
  return row;
}

/** Cancels an upcoming visit of a patient the caller can see, with a reason code for the audit. */
export async function cancelAppointment(ctx: RequestCtx, input: z.infer<typeof appointmentCancelInput>) {
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
}
