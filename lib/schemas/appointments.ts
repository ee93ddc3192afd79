import { z } from "zod";

export const appointmentListInput = z.object({ patientId: z.uuid() });

export const appointmentCreateInput = z
  .object({
    patientId: z.uuid(),
    startsAt: z.coerce.date({ error: "Enter a valid start time" }),
    durationMinutes: z.coerce.number().int().min(5, "At least 5 minutes").max(480, "At most 8 hours"),
    reason: z.string().trim().min(1, "Give a reason for the visit").max(500),
  })
  .refine((v) => v.startsAt.getTime() > Date.now() - 60_000, { path: ["startsAt"], message: "Choose a time in the future" });

/** Why a visit is cancelled: a fixed list, so the audit records a code and never free text about the patient. */
export const CANCEL_REASONS = {
  patient_request: "The patient asked to cancel",
  rescheduled: "Rescheduled to another time",
  clinician_unavailable: "The clinician is unavailable",
  booked_in_error: "Booked in error",
  other: "Other",
} as const;
export type CancelReason = keyof typeof CANCEL_REASONS;

export const appointmentCancelInput = z.object({
  id: z.uuid(),
  reason: z.enum(Object.keys(CANCEL_REASONS) as [CancelReason, ...CancelReason[]], { error: "Choose why the visit is cancelled" }).optional(),
});
