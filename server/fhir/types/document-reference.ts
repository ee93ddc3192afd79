import { and, isNotNull, ne } from "drizzle-orm";
import { clinicalNotes } from "@/server/db/schema";
import { documentReferenceResource, isSignedNote } from "@/server/fhir/resources/document-reference";
import { byMillisecond, fhirType, idParam, referenceParam, tableRows } from "./definition";

const signed = and(ne(clinicalNotes.status, "draft"), isNotNull(clinicalNotes.signedAt));

/** DocumentReference: the signed notes of the patients the caller may read notes of. Drafts never leave. */
export const documentReferenceType = fhirType({
  type: "DocumentReference",
  idColumn: clinicalNotes.id,
  patientColumn: clinicalNotes.patientId,
  params: {
    patient: referenceParam(clinicalNotes.patientId, "Patient", "The patient: `Patient/<id>` or `<id>`."),
    subject: referenceParam(clinicalNotes.patientId, "Patient", "The same as `patient`."),
    _id: idParam(clinicalNotes.id, "The note's id."),
  },
  sort: [
    { column: byMillisecond(clinicalNotes.signedAt), cast: "timestamptz" },
    { column: clinicalNotes.id, cast: "uuid" },
  ],
  sortKey: (n) => [n.signedAt!.toISOString(), n.id],
  rows: async (tx, where, orderBy, limit) =>
    (await tableRows(clinicalNotes)(tx, and(signed, where), orderBy, limit)).filter(isSignedNote),
  patientOf: (n) => n.patientId,
  resource: documentReferenceResource,
});
