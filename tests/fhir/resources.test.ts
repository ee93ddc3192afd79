import { describe, expect, it } from "vitest";
import { EMERGENCY_RELATIONSHIPS } from "@/lib/schemas/patients";
import { mrnSystem, practiceOfMrnSystem } from "@/server/fhir/identifiers";
import { APPOINTMENT_STATUS, appointmentResource } from "@/server/fhir/resources/appointment";
import { documentReferenceResource, isSignedNote } from "@/server/fhir/resources/document-reference";
import { patientResource } from "@/server/fhir/resources/patient";
import { practitionerResource } from "@/server/fhir/resources/practitioner";
import { codeErrors, fhirErrors } from "@/tests/helpers/fhir-validator";

/** Valid R4, and every code in its code system. */
const problems = (r: { resourceType: string }) => [...fhirErrors(r), ...codeErrors(r)];

// The FHIR R4 mapping of each row, on hand-made rows: valid against the R4 base definitions
// (@medplum/core's validator), and with the codes the validator does not check (bindings).

const orgId = "00000000-0000-4000-8000-000000000001";
const patientId = "00000000-0000-4000-8000-000000000002";
const userId = "00000000-0000-4000-8000-000000000003";
const otherId = "00000000-0000-4000-8000-000000000004";
const at = new Date("2026-03-01T10:00:00Z");

const bare = {
  id: patientId,
  orgId,
  mrn: "N-0042",
  givenName: "Ada",
  familyName: "Applegate",
  birthDate: "1980-02-29",
  sex: "female" as const,
  phone: null,
  email: null,
  preferredName: null,
  pronouns: null,
  addressLine: null,
  addressCity: null,
  addressRegion: null,
  addressPostalCode: null,
  addressCountry: null,
  emergencyName: null,
  emergencyRelationship: null,
  emergencyPhone: null,
  insurancePayer: null,
  insuranceMemberId: null,
  mergedInto: null,
  mergedAt: null,
  createdBy: userId,
  archivedAt: null,
  createdAt: at,
  updatedAt: at,
  updatedBy: null,
  version: 3,
};

const note = {
  id: otherId,
  orgId,
  patientId,
  authorId: userId,
  body: "Seen today. Blood pressure better — continue.",
  status: "signed" as const,
  signedAt: at,
  addendumTo: null,
  errorReason: null,
  errorAt: null,
  version: 2,
  createdAt: at,
  updatedAt: at,
};

describe("FHIR resources", () => {
  it("the validator refuses what R4 refuses (the checks below can fail)", () => {
    expect(fhirErrors({ resourceType: "Patient", birthDate: "29/02/1980" })).not.toEqual([]);
    expect(fhirErrors({ resourceType: "Appointment", participant: [] })).not.toEqual([]);
    expect(fhirErrors({ resourceType: "Patient", gender: "F" })).toEqual([]); // bindings are not checked…
    expect(codeErrors({ resourceType: "Patient", gender: "F" })).toEqual([
      'Patient.gender: "F" is not in http://hl7.org/fhir/administrative-gender',
    ]); // …so codeErrors does
    expect(codeErrors({ resourceType: "Appointment", participant: [{ status: "yes" }] })).toHaveLength(1);
    expect(
      codeErrors({
        resourceType: "X",
        type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/v2-0203", code: "ZZ" }] },
      }),
    ).toHaveLength(1);
  });

  it("a patient with only the required fields: the MRN under the practice's system, official name, gender, birth date", () => {
    const p = patientResource(bare);
    expect(problems(p)).toEqual([]);
    expect(p).toMatchObject({
      resourceType: "Patient",
      id: patientId,
      meta: { versionId: "3", lastUpdated: at.toISOString() },
      identifier: [{ system: `urn:careroster:practice:${orgId}:mrn`, value: "N-0042" }],
      active: true,
      name: [{ use: "official", family: "Applegate", given: ["Ada"] }],
      gender: "female",
      birthDate: "1980-02-29",
    });
    expect(p.identifier[0]!.type.coding[0]).toMatchObject({
      system: "http://terminology.hl7.org/CodeSystem/v2-0203",
      code: "MR",
    });
    for (const key of ["telecom", "address", "contact", "link"]) expect(p).not.toHaveProperty(key);
    for (const sex of ["female", "male", "other", "unknown"] as const)
      expect(problems(patientResource({ ...bare, sex }))).toEqual([]);
  });

  it("a patient with every front-desk field, archived and merged into another chart", () => {
    const p = patientResource({
      ...bare,
      phone: "+1 555 0100",
      email: "ada@example.test",
      preferredName: "Addie",
      addressLine: "1 Main St",
      addressCity: "Springfield",
      addressRegion: "IL",
      addressPostalCode: "62701",
      addressCountry: "US",
      emergencyName: "Bo Applegate",
      emergencyRelationship: "sibling",
      pronouns: "she/her",
      emergencyPhone: "+1 555 0101",
      archivedAt: at,
      mergedInto: otherId,
      mergedAt: at,
    });
    expect(problems(p)).toEqual([]);
    expect(p).toMatchObject({
      active: false,
      name: [{ use: "official" }, { use: "usual", given: ["Addie"] }],
      telecom: [
        { system: "phone", value: "+1 555 0100" },
        { system: "email", value: "ada@example.test" },
      ],
      address: [{ line: ["1 Main St"], city: "Springfield", state: "IL", postalCode: "62701", country: "US" }],
      contact: [
        {
          relationship: [
            { coding: [{ system: "http://terminology.hl7.org/CodeSystem/v2-0131", code: "C" }] },
            { coding: [{ system: "http://terminology.hl7.org/CodeSystem/v3-RoleCode", code: "SIB" }], text: "Sibling" },
          ],
          name: { text: "Bo Applegate" },
          telecom: [{ system: "phone", value: "+1 555 0101" }],
        },
      ],
      link: [{ other: { reference: `Patient/${otherId}` }, type: "replaced-by" }],
      extension: [
        {
          url: "http://hl7.org/fhir/StructureDefinition/individual-pronouns",
          extension: [{ url: "value", valueCodeableConcept: { text: "she/her" } }],
        },
      ],
    });
  });

  it("each emergency relationship is a v3 RoleCode the docs name, or v2's O for other", () => {
    const codes = Object.keys(EMERGENCY_RELATIONSHIPS).map((key) => {
      const p = patientResource({ ...bare, emergencyName: "Someone", emergencyRelationship: key });
      expect(problems(p)).toEqual([]);
      const coded = p.contact![0]!.relationship[1]!.coding![0]!;
      return `${coded.system.split("/").pop()}|${coded.code}`;
    });
    expect(codes).toEqual([
      "v3-RoleCode|SPS",
      "v3-RoleCode|DOMPART",
      "v3-RoleCode|PRN",
      "v3-RoleCode|CHILD",
      "v3-RoleCode|SIB",
      "v3-RoleCode|GUARD",
      "v3-RoleCode|FRND",
      "v2-0131|O",
    ]);
  });

  it("the MRN system names the practice and reads back", () => {
    expect(practiceOfMrnSystem(mrnSystem(orgId))).toBe(orgId);
    expect(practiceOfMrnSystem("urn:careroster:practice:not-an-id:mrn")).toBeNull();
    expect(practiceOfMrnSystem("http://hospital.example/mrn")).toBeNull();
  });

  it("a member is a Practitioner under their user id; a suspended one is inactive", () => {
    const user = { id: userId, name: "Dr Meredith Grey", email: "grey@northside.test", createdAt: at };
    const active = practitionerResource(user, { status: "active" });
    expect(problems(active)).toEqual([]);
    expect(active).toMatchObject({
      resourceType: "Practitioner",
      id: userId,
      active: true,
      name: [{ text: "Dr Meredith Grey" }],
      telecom: [{ system: "email", value: "grey@northside.test" }],
    });
    expect(practitionerResource(user, { status: "suspended" }).active).toBe(false);
  });

  it("an appointment: FHIR's status code for each status, patient and practitioner as participants", () => {
    const row = {
      id: otherId,
      orgId,
      patientId,
      clinicianId: userId,
      startsAt: at,
      endsAt: new Date(at.getTime() + 30 * 60_000),
      status: "scheduled" as const,
      reason: "Blood pressure review",
      visitType: "follow_up",
      doubleBooked: false,
      createdAt: at,
    };
    const a = appointmentResource(row);
    expect(problems(a)).toEqual([]);
    expect(a).toMatchObject({
      resourceType: "Appointment",
      status: "booked",
      description: "Blood pressure review",
      appointmentType: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/v2-0276", code: "FOLLOWUP" }] },
      start: "2026-03-01T10:00:00.000Z",
      end: "2026-03-01T10:30:00.000Z",
      participant: [
        { actor: { reference: `Patient/${patientId}` }, status: "accepted" },
        { actor: { reference: `Practitioner/${userId}` }, status: "accepted" },
      ],
    });
    for (const status of Object.keys(APPOINTMENT_STATUS) as (keyof typeof APPOINTMENT_STATUS)[]) {
      const other = appointmentResource({ ...row, status, reason: "", visitType: "telehealth" });
      expect(problems(other)).toEqual([]);
      expect(other).not.toHaveProperty("description");
    }
    expect(new Set(Object.values(APPOINTMENT_STATUS)).size).toBe(4);
  });

  it("a signed note is a current, final DocumentReference whose attachment is the body", () => {
    expect(isSignedNote(note)).toBe(true);
    const d = documentReferenceResource(note);
    expect(problems(d)).toEqual([]);
    expect(d).toMatchObject({
      resourceType: "DocumentReference",
      status: "current",
      docStatus: "final",
      type: { coding: [{ system: "http://loinc.org", code: "11506-3" }] },
      subject: { reference: `Patient/${patientId}` },
      author: [{ reference: `Practitioner/${userId}` }],
      date: at.toISOString(),
      content: [{ attachment: { contentType: "text/plain; charset=utf-8" } }],
    });
    expect(Buffer.from(d.content[0]!.attachment.data, "base64").toString("utf8")).toBe(note.body);
    expect(d).not.toHaveProperty("relatesTo");
  });

  it("an addendum appends its note; a note in error says so; a draft is not a signed note", () => {
    const addendum = documentReferenceResource({ ...note, addendumTo: patientId });
    expect(problems(addendum)).toEqual([]);
    expect(addendum.relatesTo).toEqual([{ code: "appends", target: { reference: `DocumentReference/${patientId}` } }]);
    const wrong = documentReferenceResource({
      ...note,
      status: "entered_in_error",
      errorReason: "Wrong patient",
      errorAt: at,
    });
    expect(problems(wrong)).toEqual([]);
    expect(wrong).toMatchObject({ status: "entered-in-error", description: "Entered in error: Wrong patient" });
    expect(isSignedNote({ ...note, status: "draft", signedAt: null })).toBe(false);
    expect(isSignedNote({ ...note, status: "entered_in_error", signedAt: null, errorReason: "x", errorAt: at })).toBe(
      false,
    );
  });
});
