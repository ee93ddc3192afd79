import { and, isNotNull, ne } from "drizzle-orm";
import { clinicalNotes } from "@/server/db/schema";
import { idMatch, referenceMatch } from "@/server/fhir/params";
import { documentReferenceResource, isSignedNote } from "@/server/fhir/resources/document-reference";
import { byMillisecond, fhirType } from "./definition";

const signed = and(ne(clinicalNotes.status, "draft"), isNotNull(clinicalNotes.signedAt));

/** DocumentReference: the signed notes of the patients the caller may read notes of. Drafts never leave. */
export const documentReferenceType = fhirType({
  type: "DocumentReference",
  idColumn: clinicalNotes.id,
  patientColumn: clinicalNotes.patientId,
  params: {
    patient: {
      type: "reference",
      documentation: "The patient: `Patient/<id>` or `<id>`.",
      modifiers: ["Patient"],
      match: (v, _m, base) => referenceMatch(clinicalNotes.patientId, "Patient", v, base),
    },
    subject: {
      type: "reference",
      documentation: "The same as `patient`.",
      modifiers: ["Patient"],
      match: (v, _m, base) => referenceMatch(clinicalNotes.patientId, "Patient", v, base),
    },
    _id: { type: "token", documentation: "The note's id.", match: (v) => idMatch(clinicalNotes.id, v) },
  },
  sort: [
    { column: byMillisecond(clinicalNotes.signedAt), cast: "timestamptz" },
    { column: clinicalNotes.id, cast: "uuid" },
  ],
  sortKey: (n) => [n.signedAt!.toISOString(), n.id],
  rows: async (tx, where, orderBy, limit) =>
    (
      await tx
        .select()
        .from(clinicalNotes)
        .where(and(signed, where))
        .orderBy(...orderBy)
        .limit(limit)
    ).filter(isSignedNote),
  patientOf: (n) => n.patientId,
  resource: documentReferenceResource,
});
