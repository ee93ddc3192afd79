/*
 * The identifier systems of CareRoster's FHIR resources. An MRN is unique within its practice only,
 * so its system names the practice by its id (which never changes, unlike its name or slug).
 */

const MRN_SYSTEM = /^urn:careroster:practice:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):mrn$/;

/** The system of a practice's medical record numbers: `urn:careroster:practice:<practice id>:mrn`. */
export function mrnSystem(orgId: string): string {
  return `urn:careroster:practice:${orgId}:mrn`;
}

/** The practice an MRN system names, or null when `system` is not one. */
export function practiceOfMrnSystem(system: string): string | null {
  return MRN_SYSTEM.exec(system)?.[1] ?? null;
}

/** How the CapabilityStatement and the docs spell the MRN system. */
export const MRN_SYSTEM_PATTERN = "urn:careroster:practice:{practice id}:mrn";
