import { describe, expect, it } from "vitest";
import { allergyResource, conditionResource, medicationResource, vitalResource } from "@/server/essentials/fhir";

// The FHIR R4 mapping of docs/clinical-essentials.md, element by element, on hand-made rows.

const recorded = {
  orgId: "00000000-0000-4000-8000-000000000001",
  patientId: "00000000-0000-4000-8000-000000000002",
  recordedBy: "00000000-0000-4000-8000-000000000003",
  recordedAt: new Date("2026-03-01T10:00:00Z"),
  errorReason: null,
  errorBy: null,
  errorAt: null,
};
const id = "00000000-0000-4000-8000-0000000000aa";

describe("FHIR mapping", () => {
  it("a problem is a problem-list Condition with its code, onset and abatement", () => {
    const c = conditionResource({
      ...recorded,
      id,
      text: "Essential hypertension",
      codeSystem: "icd-10",
      code: "I10",
      onsetOn: "2025-01-01",
      resolvedOn: "2026-01-01",
      clinicalStatus: "resolved",
      resolvedBy: recorded.recordedBy,
      resolvedAt: recorded.recordedAt,
    });
    expect(c).toMatchObject({
      resourceType: "Condition",
      clinicalStatus: { coding: [{ code: "resolved" }] },
      verificationStatus: { coding: [{ code: "confirmed" }] },
      category: [{ coding: [{ code: "problem-list-item" }] }],
      code: { text: "Essential hypertension", coding: [{ system: "http://hl7.org/fhir/sid/icd-10", code: "I10" }] },
      subject: { reference: `Patient/${recorded.patientId}` },
      onsetDateTime: "2025-01-01",
      abatementDateTime: "2026-01-01",
      recorder: { reference: `Practitioner/${recorded.recordedBy}` },
    });
  });

  it("'no known allergies' is AllergyIntolerance SNOMED 716186003; an entry in error says so", () => {
    const base = {
      ...recorded,
      id,
      substance: null,
      reaction: null,
      severity: null,
      criticality: null,
      resolvedOn: null,
      resolvedBy: null,
      resolvedAt: null,
    };
    const nka = allergyResource({ ...base, kind: "no_known_allergies", clinicalStatus: "active" });
    expect(nka.code).toMatchObject({ coding: [{ system: "http://snomed.info/sct", code: "716186003" }] });
    expect(nka).not.toHaveProperty("reaction");
    const wrong = allergyResource({
      ...base,
      kind: "allergy",
      substance: "Penicillin",
      reaction: "Hives",
      severity: "moderate",
      criticality: "high",
      clinicalStatus: "active",
      errorAt: new Date(),
      errorReason: "Wrong patient",
      errorBy: recorded.recordedBy,
    });
    expect(wrong).toMatchObject({
      code: { text: "Penicillin" },
      criticality: "high",
      reaction: [{ manifestation: [{ text: "Hives" }], severity: "moderate" }],
      verificationStatus: { coding: [{ code: "entered-in-error" }] },
    });
  });

  it("a stopped medication is a stopped MedicationStatement with its period, reason and SNOMED route", () => {
    const m = medicationResource({
      ...recorded,
      id,
      name: "Amlodipine",
      dose: "5 mg",
      frequency: "once daily",
      route: "oral",
      startedOn: "2025-01-01",
      stoppedOn: "2026-01-01",
      stopReason: "Ankle swelling",
      stoppedBy: recorded.recordedBy,
      stoppedAt: recorded.recordedAt,
    });
    expect(m).toMatchObject({
      status: "stopped",
      statusReason: [{ text: "Ankle swelling" }],
      effectivePeriod: { start: "2025-01-01", end: "2026-01-01" },
      dosage: [{ text: "5 mg once daily", route: { coding: [{ code: "26643006" }] } }],
    });
  });

  it("vital signs carry their LOINC code, profile and UCUM unit; blood pressure as two components", () => {
    const at = new Date("2026-03-01T09:30:00Z");
    const v = (kind: Parameters<typeof vitalResource>[0]["kind"], value: number, diastolic: number | null = null) =>
      vitalResource({ ...recorded, id, kind, value, diastolic, effectiveAt: at });
    const bp = v("blood_pressure", 128, 82);
    expect(bp.code.coding[0].code).toBe("85354-9");
    expect(bp).not.toHaveProperty("valueQuantity");
    expect("component" in bp && bp.component).toEqual([
      expect.objectContaining({
        code: { coding: [{ system: "http://loinc.org", code: "8480-6" }] },
        valueQuantity: expect.objectContaining({ value: 128, code: "mm[Hg]" }),
      }),
      expect.objectContaining({
        code: { coding: [{ system: "http://loinc.org", code: "8462-4" }] },
        valueQuantity: expect.objectContaining({ value: 82, code: "mm[Hg]" }),
      }),
    ]);
    for (const [kind, loinc, unit, profile] of [
      ["heart_rate", "8867-4", "/min", "heartrate"],
      ["body_temperature", "8310-5", "Cel", "bodytemp"],
      ["body_weight", "29463-7", "kg", "bodyweight"],
      ["body_height", "8302-2", "cm", "bodyheight"],
    ] as const) {
      const o = v(kind, 50);
      expect(o.code.coding[0].code, kind).toBe(loinc);
      expect(o.meta.profile[0], kind).toBe(`http://hl7.org/fhir/StructureDefinition/${profile}`);
      expect("valueQuantity" in o && o.valueQuantity, kind).toEqual({
        value: 50,
        unit,
        system: "http://unitsofmeasure.org",
        code: unit,
      });
      expect(o.category[0].coding[0].code).toBe("vital-signs");
      expect(o.effectiveDateTime).toBe(at.toISOString());
    }
  });
});
