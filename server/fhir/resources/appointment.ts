import type { appointments } from "@/server/db/schema";
import { coding, meta, reference } from "./common";

/** One appointments row → one FHIR R4 Appointment with its patient and practitioner as participants. */

type AppointmentRow = typeof appointments.$inferSelect;

/** CareRoster's status → FHIR's appointmentstatus code (both directions: search takes FHIR's). */
export const APPOINTMENT_STATUS = {
  scheduled: "booked",
  completed: "fulfilled",
  cancelled: "cancelled",
  no_show: "noshow",
} as const satisfies Record<AppointmentRow["status"], string>;

const V2_APPOINTMENT_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0276";
const VISIT_TYPES: Record<string, { text: string; v2?: string }> = {
  consultation: { text: "Consultation" },
  follow_up: { text: "Follow-up", v2: "FOLLOWUP" },
  procedure: { text: "Procedure" },
  telehealth: { text: "Telehealth" },
};

export function appointmentResource(a: AppointmentRow) {
  const type = VISIT_TYPES[a.visitType] ?? { text: a.visitType };
  return {
    resourceType: "Appointment" as const,
    id: a.id,
    meta: meta(a.createdAt),
    status: APPOINTMENT_STATUS[a.status],
    appointmentType: {
      ...(type.v2 && { coding: [coding(V2_APPOINTMENT_TYPE, type.v2)] }),
      text: type.text,
    },
    ...(a.reason && { description: a.reason }),
    start: a.startsAt.toISOString(),
    end: a.endsAt.toISOString(),
    created: a.createdAt.toISOString(),
    participant: [
      { actor: reference("Patient", a.patientId), required: "required" as const, status: "accepted" as const },
      { actor: reference("Practitioner", a.clinicianId), required: "required" as const, status: "accepted" as const },
    ],
  };
}

export type FhirAppointment = ReturnType<typeof appointmentResource>;
