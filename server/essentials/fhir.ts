import type { allergies, conditions, medicationStatements, vitalSigns } from "@/server/db/schema";

/*
 * One row → one FHIR R4 resource (docs/clinical-essentials.md). Plain functions of the row, for
 * the FHIR API to come: they read nothing and decide nothing about access.
 */

type Condition = typeof conditions.$inferSelect;
type Allergy = typeof allergies.$inferSelect;
type Medication = typeof medicationStatements.$inferSelect;
type Vital = typeof vitalSigns.$inferSelect;

const TERMINOLOGY = "http://terminology.hl7.org/CodeSystem";
const SNOMED = "http://snomed.info/sct";
const LOINC = "http://loinc.org";
const UCUM = "http://unitsofmeasure.org";

const ref = (type: "Patient" | "Practitioner", id: string) => ({ reference: `${type}/${id}` });
const coded = (system: string, code: string) => ({ coding: [{ system, code }] });

export function conditionResource(c: Condition) {
  const codeSystem = { "icd-10": "http://hl7.org/fhir/sid/icd-10", "snomed-ct": SNOMED } as const;
  return {
    resourceType: "Condition" as const,
    id: c.id,
    clinicalStatus: coded(`${TERMINOLOGY}/condition-clinical`, c.clinicalStatus),
    verificationStatus: coded(`${TERMINOLOGY}/condition-ver-status`, c.errorAt ? "entered-in-error" : "confirmed"),
    category: [coded(`${TERMINOLOGY}/condition-category`, "problem-list-item")],
    code: {
      text: c.text,
      ...(c.codeSystem && c.code && { coding: [{ system: codeSystem[c.codeSystem], code: c.code }] }),
    },
    subject: ref("Patient", c.patientId),
    ...(c.onsetOn && { onsetDateTime: c.onsetOn }),
    ...(c.resolvedOn && { abatementDateTime: c.resolvedOn }),
    recordedDate: c.recordedAt.toISOString(),
    recorder: ref("Practitioner", c.recordedBy),
  };
}

export function allergyResource(a: Allergy) {
  const nka = a.kind === "no_known_allergies";
  return {
    resourceType: "AllergyIntolerance" as const,
    id: a.id,
    clinicalStatus: coded(`${TERMINOLOGY}/allergyintolerance-clinical`, a.clinicalStatus),
    verificationStatus: coded(
      `${TERMINOLOGY}/allergyintolerance-verification`,
      a.errorAt ? "entered-in-error" : "confirmed",
    ),
    code: nka
      ? { coding: [{ system: SNOMED, code: "716186003", display: "No known allergy" }], text: "No known allergies" }
      : { text: a.substance ?? "" },
    ...(a.criticality && { criticality: a.criticality }),
    patient: ref("Patient", a.patientId),
    recordedDate: a.recordedAt.toISOString(),
    recorder: ref("Practitioner", a.recordedBy),
    ...((a.reaction || a.severity) && {
      reaction: [
        {
          manifestation: [{ text: a.reaction ?? "Not stated" }],
          ...(a.severity && { severity: a.severity }),
        },
      ],
    }),
    ...(a.resolvedOn && { note: [{ text: `Resolved on ${a.resolvedOn}` }] }),
  };
}

const ROUTES: Record<Medication["route"], string> = {
  oral: "26643006",
  sublingual: "37839007",
  inhaled: "447694001",
  nasal: "46713006",
  topical: "6064005",
  transdermal: "45890007",
  subcutaneous: "34206005",
  intramuscular: "78421000",
  intravenous: "47625008",
  rectal: "37161004",
};

export function medicationResource(m: Medication) {
  return {
    resourceType: "MedicationStatement" as const,
    id: m.id,
    status: m.errorAt ? "entered-in-error" : m.stoppedOn ? "stopped" : "active",
    ...(m.stopReason && { statusReason: [{ text: m.stopReason }] }),
    medicationCodeableConcept: { text: m.name },
    subject: ref("Patient", m.patientId),
    ...((m.startedOn || m.stoppedOn) && {
      effectivePeriod: { ...(m.startedOn && { start: m.startedOn }), ...(m.stoppedOn && { end: m.stoppedOn }) },
    }),
    dateAsserted: m.recordedAt.toISOString(),
    informationSource: ref("Practitioner", m.recordedBy),
    dosage: [
      {
        text: `${m.dose} ${m.frequency}`,
        timing: { code: { text: m.frequency } },
        route: { coding: [{ system: SNOMED, code: ROUTES[m.route] }], text: m.route },
      },
    ],
  };
}

/** LOINC code, vital-signs profile and UCUM unit per kind. */
export const VITAL_CODES = {
  blood_pressure: { loinc: "85354-9", profile: "bp", unit: "mm[Hg]", display: "Blood pressure panel" },
  heart_rate: { loinc: "8867-4", profile: "heartrate", unit: "/min", display: "Heart rate" },
  body_temperature: { loinc: "8310-5", profile: "bodytemp", unit: "Cel", display: "Body temperature" },
  body_weight: { loinc: "29463-7", profile: "bodyweight", unit: "kg", display: "Body weight" },
  body_height: { loinc: "8302-2", profile: "bodyheight", unit: "cm", display: "Body height" },
} as const;

const quantity = (value: number, unit: string) => ({ value, unit, system: UCUM, code: unit });

export function vitalResource(v: Vital) {
  const c = VITAL_CODES[v.kind];
  const bp = v.kind === "blood_pressure";
  return {
    resourceType: "Observation" as const,
    id: v.id,
    meta: { profile: [`http://hl7.org/fhir/StructureDefinition/${c.profile}`] },
    status: v.errorAt ? "entered-in-error" : "final",
    category: [coded(`${TERMINOLOGY}/observation-category`, "vital-signs")],
    code: { coding: [{ system: LOINC, code: c.loinc, display: c.display }], text: c.display },
    subject: ref("Patient", v.patientId),
    effectiveDateTime: v.effectiveAt.toISOString(),
    issued: v.recordedAt.toISOString(),
    performer: [ref("Practitioner", v.recordedBy)],
    ...(bp
      ? {
          component: [
            { code: { coding: [{ system: LOINC, code: "8480-6" }] }, valueQuantity: quantity(v.value, c.unit) },
            { code: { coding: [{ system: LOINC, code: "8462-4" }] }, valueQuantity: quantity(v.diastolic!, c.unit) },
          ],
        }
      : { valueQuantity: quantity(v.value, c.unit) }),
  };
}
