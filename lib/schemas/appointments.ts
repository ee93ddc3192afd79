import { z } from "zod";
import { calendarDate } from "./dates";

export const appointmentListInput = z.object({ patientId: z.uuid() });

/** The clinicians a patient can be booked with. */
export const schedulingCliniciansInput = z.object({ patientId: z.uuid() });

export const VISIT_TYPES = {
  follow_up: { label: "Follow-up", minutes: 15 },
  consultation: { label: "Consultation", minutes: 30 },
  procedure: { label: "Procedure", minutes: 60 },
  telehealth: { label: "Telehealth", minutes: 15 },
} as const;
export type VisitType = keyof typeof VISIT_TYPES;
const visitTypes = Object.keys(VISIT_TYPES) as [VisitType, ...VisitType[]];

export const appointmentCreateInput = z
  .object({
    patientId: z.uuid({ error: "Choose a patient" }),
    /** Who sees the patient; the caller when omitted. */
    clinicianId: z.uuid({ error: "Choose a clinician" }).optional(),
    visitType: z.enum(visitTypes, { error: "Choose a visit type" }).default("follow_up"),
    /** Book over another visit of the clinician on purpose: admins only (recorded in the audit). */
    doubleBook: z.boolean().default(false),
    startsAt: z.coerce.date({ error: "Enter a valid start time" }),
    durationMinutes: z.coerce.number().int().min(5, "At least 5 minutes").max(480, "At most 8 hours"),
    reason: z.string().trim().min(1, "Give a reason for the visit").max(500),
  })
  .refine((v) => v.startsAt.getTime() > Date.now() - 60_000, {
    path: ["startsAt"],
    message: "Choose a time in the future",
  });

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
  reason: z
    .enum(Object.keys(CANCEL_REASONS) as [CancelReason, ...CancelReason[]], {
      error: "Choose why the visit is cancelled",
    })
    .optional(),
});

/** The schedule: one practice day (today when omitted), or the week (Monday to Sunday) holding it. */
export const scheduleInput = z
  .object({
    date: calendarDate("Enter a date such as 4 Apr 2026").optional(),
    view: z.enum(["day", "week"]).default("day"),
  })
  .default({ view: "day" });
export type ScheduleInput = z.output<typeof scheduleInput>;

/** The bookable part of a day in the day view: 08:00 to 18:00, in 30-minute slots, in the practice's zone. */
export const SCHEDULE_HOURS = { from: 8, to: 18, slotMinutes: 30 } as const;
