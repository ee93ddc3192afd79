import { eq, sql } from "drizzle-orm";
import { appointments } from "@/server/db/schema";
import { instantColumnMatch, ParamError, token } from "@/server/fhir/params";
import { APPOINTMENT_STATUS, appointmentResource } from "@/server/fhir/resources/appointment";
import { byMillisecond, fhirType, idParam, referenceParam, tableRows } from "./definition";

const STATUS_SYSTEM = "http://hl7.org/fhir/appointmentstatus";
/** Every code of FHIR's appointmentstatus value set: one CareRoster never uses matches nothing. */
const FHIR_STATUSES = new Set([
  "proposed",
  "pending",
  "booked",
  "arrived",
  "fulfilled",
  "cancelled",
  "noshow",
  "entered-in-error",
  "checked-in",
  "waitlist",
]);
const FROM_FHIR = new Map(Object.entries(APPOINTMENT_STATUS).map(([ours, fhir]) => [fhir as string, ours]));

/** Appointment: the visits of the patients the caller may see. */
export const appointmentType = fhirType({
  type: "Appointment",
  idColumn: appointments.id,
  patientColumn: appointments.patientId,
  params: {
    patient: referenceParam(appointments.patientId, "Patient", "The patient: `Patient/<id>` or `<id>`."),
    practitioner: referenceParam(
      appointments.clinicianId,
      "Practitioner",
      "The clinician: `Practitioner/<id>` or `<id>`.",
    ),
    date: {
      type: "date",
      documentation:
        "The start, with `eq` `ne` `gt` `lt` `ge` `le`; a date without a time is whole days in the practice's time zone, a time needs its zone.",
      match: (v) => instantColumnMatch(appointments.startsAt, v),
    },
    status: {
      type: "token",
      documentation: "booked, fulfilled, cancelled or noshow (FHIR's appointmentstatus codes).",
      match: (v) => {
        const { system, code } = token(v);
        if ((system !== null && system !== STATUS_SYSTEM) || !FHIR_STATUSES.has(code))
          throw new ParamError(`"${v}" is not an appointment status (${STATUS_SYSTEM}).`);
        const ours = FROM_FHIR.get(code);
        return ours ? eq(appointments.status, ours as keyof typeof APPOINTMENT_STATUS) : sql`false`;
      },
    },
    _id: idParam(appointments.id, "The appointment's id."),
  },
  sort: [
    { column: byMillisecond(appointments.startsAt), cast: "timestamptz" },
    { column: appointments.id, cast: "uuid" },
  ],
  sortKey: (a) => [a.startsAt.toISOString(), a.id],
  rows: tableRows(appointments),
  patientOf: (a) => a.patientId,
  resource: appointmentResource,
});
