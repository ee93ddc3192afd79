import type { clinicalNotes } from "@/server/db/schema";
import { coding, meta, reference } from "./common";

/*
 * A signed clinical note → one FHIR R4 DocumentReference. Drafts have no FHIR form: a note leaves
 * CareRoster only once signed (`isSignedNote`). A signed note later marked in error stays, as
 * entered-in-error; an addendum says which note it appends.
 */

type NoteRow = typeof clinicalNotes.$inferSelect;
type SignedNote = NoteRow & { signedAt: Date };

const LOINC = "http://loinc.org";

/** A note that was signed (and so may leave as a DocumentReference). */
export function isSignedNote(n: NoteRow): n is SignedNote {
  return n.status !== "draft" && n.signedAt !== null;
}

export function documentReferenceResource(n: SignedNote) {
  return {
    resourceType: "DocumentReference" as const,
    id: n.id,
    meta: meta(n.updatedAt, n.version),
    status: n.status === "entered_in_error" ? ("entered-in-error" as const) : ("current" as const),
    docStatus: "final" as const,
    type: { coding: [coding(LOINC, "11506-3", "Progress note")], text: "Clinical note" },
    subject: reference("Patient", n.patientId),
    date: n.signedAt.toISOString(),
    author: [reference("Practitioner", n.authorId)],
    authenticator: reference("Practitioner", n.authorId),
    ...(n.addendumTo && {
      relatesTo: [{ code: "appends" as const, target: reference("DocumentReference", n.addendumTo) }],
    }),
    ...(n.errorReason && { description: `Entered in error: ${n.errorReason}` }),
    content: [
      {
        attachment: {
          contentType: "text/plain; charset=utf-8",
          data: Buffer.from(n.body, "utf8").toString("base64"),
          creation: n.signedAt.toISOString(),
        },
      },
    ],
  };
}

export type FhirDocumentReference = ReturnType<typeof documentReferenceResource>;
