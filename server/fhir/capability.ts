import { MRN_SYSTEM_PATTERN } from "@/server/fhir/identifiers";
import { FHIR_TYPES } from "@/server/fhir/types";

/** The SMART endpoints (served by the authorization server), relative to the app's URL. */
export const SMART_PATHS = { authorize: "/smart/authorize", token: "/api/smart/token", revoke: "/api/smart/revoke" };

const DOCUMENTATION: Record<string, string> = {
  Patient: `The charts the caller may see; archived charts are inactive. The MRN is the identifier whose system is ${MRN_SYSTEM_PATTERN}.`,
  Practitioner: "The members of the caller's practice (active or suspended); the id is the user's id.",
  Appointment: "The visits of the patients the caller may see.",
  DocumentReference: "Signed clinical notes of the patients whose notes the caller may read; drafts are never served.",
};

const STARTED = new Date().toISOString();

/** `GET [base]/metadata`: what this server does, for anyone (no data in it). */
export function capabilityStatement(appUrl: string) {
  const base = `${appUrl}/fhir`;
  return {
    resourceType: "CapabilityStatement" as const,
    status: "active" as const,
    date: STARTED,
    publisher: "CareRoster",
    kind: "instance" as const,
    software: { name: "CareRoster" },
    implementation: {
      description: "CareRoster FHIR R4 API (read and search, under the practice's access rules)",
      url: base,
    },
    fhirVersion: "4.0.1" as const,
    format: ["application/fhir+json", "json"],
    rest: [
      {
        mode: "server" as const,
        documentation:
          "Every request runs as the signed-in user in their practice: a search without parameters returns exactly what they may see. Unknown search parameters are refused (400) unless the request sends `Prefer: handling=lenient`.",
        security: {
          cors: true,
          service: [
            {
              coding: [
                { system: "http://terminology.hl7.org/CodeSystem/restful-security-service", code: "SMART-on-FHIR" },
              ],
              text: "SMART App Launch (OAuth 2.0)",
            },
          ],
          extension: [
            {
              url: "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
              extension: Object.entries(SMART_PATHS).map(([url, path]) => ({ url, valueUri: `${appUrl}${path}` })),
            },
          ],
        },
        resource: Object.values(FHIR_TYPES).map((t) => ({
          type: t.type,
          documentation: DOCUMENTATION[t.type],
          interaction: [{ code: "read" as const }, { code: "search-type" as const }],
          searchParam: [
            ...Object.entries(t.params).map(([name, p]) => ({ name, type: p.type, documentation: p.documentation })),
            { name: "_count", type: "number" as const, documentation: "Entries a page: 20 by default, at most 100." },
          ],
        })),
      },
    ],
  };
}
