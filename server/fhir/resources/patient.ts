import type { patients } from "@/server/db/schema";
import { EMERGENCY_RELATIONSHIPS } from "@/lib/schemas/patients";
import { mrnSystem } from "@/server/fhir/identifiers";
import { coding, meta, reference } from "./common";

/*
 * One patients row → one FHIR R4 Patient. A plain function of the row: it reads nothing and decides
 * nothing about access (the policies decided which rows exist).
 */

type PatientRow = typeof patients.$inferSelect;

const V2 = "http://terminology.hl7.org/CodeSystem/v2-0203";
const CONTACT_ROLE = "http://terminology.hl7.org/CodeSystem/v2-0131";
const ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";
const PRONOUNS = "http://hl7.org/fhir/StructureDefinition/individual-pronouns";

/** The contact's relationship: a v3 RoleCode, or v2's "O" (other), with the label people chose. */
function relationship(key: string) {
  const r = EMERGENCY_RELATIONSHIPS[key as keyof typeof EMERGENCY_RELATIONSHIPS];
  if (!r) return { text: key };
  return { coding: [coding(r.code === "O" ? CONTACT_ROLE : ROLE_CODE, r.code, r.label)], text: r.label };
}

export function patientResource(p: PatientRow) {
  const address = [p.addressLine, p.addressCity, p.addressRegion, p.addressPostalCode, p.addressCountry];
  return {
    resourceType: "Patient" as const,
    id: p.id,
    meta: meta(p.updatedAt, p.version),
    ...(p.pronouns && {
      extension: [{ url: PRONOUNS, extension: [{ url: "value", valueCodeableConcept: { text: p.pronouns } }] }],
    }),
    identifier: [
      {
        use: "usual" as const,
        type: { coding: [coding(V2, "MR", "Medical record number")], text: "MRN" },
        system: mrnSystem(p.orgId),
        value: p.mrn,
      },
    ],
    // An archived chart is inactive; a merged one points to the chart it lives on.
    active: p.archivedAt === null,
    name: [
      { use: "official" as const, family: p.familyName, given: [p.givenName] },
      ...(p.preferredName ? [{ use: "usual" as const, given: [p.preferredName] }] : []),
    ],
    ...((p.phone || p.email) && {
      telecom: [
        ...(p.phone ? [{ system: "phone" as const, value: p.phone }] : []),
        ...(p.email ? [{ system: "email" as const, value: p.email }] : []),
      ],
    }),
    gender: p.sex,
    birthDate: p.birthDate,
    ...(address.some(Boolean) && {
      address: [
        {
          ...(p.addressLine && { line: [p.addressLine] }),
          ...(p.addressCity && { city: p.addressCity }),
          ...(p.addressRegion && { state: p.addressRegion }),
          ...(p.addressPostalCode && { postalCode: p.addressPostalCode }),
          ...(p.addressCountry && { country: p.addressCountry }),
        },
      ],
    }),
    ...((p.emergencyName || p.emergencyPhone) && {
      contact: [
        {
          relationship: [
            { coding: [coding(CONTACT_ROLE, "C", "Emergency Contact")] },
            ...(p.emergencyRelationship ? [relationship(p.emergencyRelationship)] : []),
          ],
          ...(p.emergencyName && { name: { text: p.emergencyName } }),
          ...(p.emergencyPhone && { telecom: [{ system: "phone" as const, value: p.emergencyPhone }] }),
        },
      ],
    }),
    ...(p.mergedInto && { link: [{ other: reference("Patient", p.mergedInto), type: "replaced-by" as const }] }),
  };
}

export type FhirPatient = ReturnType<typeof patientResource>;
