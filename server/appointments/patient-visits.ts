import { asc, eq } from "drizzle-orm";
import type { z } from "zod";
import type { appointmentListInput } from "@/lib/schemas/appointments";
import { audit } from "@/server/audit/record";
import { appointments, users } from "@/server/db/schema";
import { findVisiblePatient } from "@/server/patients/queries";
import type { RequestCtx } from "@/server/request";

/** A patient's appointments, split at now; the policies hide those of patients the caller cannot see. */
export async function patientAppointments(ctx: RequestCtx, input: z.infer<typeof appointmentListInput>) {
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
}
