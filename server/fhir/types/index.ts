import type { ResourceType } from "@/server/fhir/resources/common";
import { appointmentType } from "./appointment";
import type { FhirType } from "./definition";
import { documentReferenceType } from "./document-reference";
import { patientType } from "./patient";
import { practitionerType } from "./practitioner";

/** The resource types the API serves, by name. */
export const FHIR_TYPES: Record<ResourceType, FhirType<never>> = {
  Patient: patientType as FhirType<never>,
  Practitioner: practitionerType as FhirType<never>,
  Appointment: appointmentType as FhirType<never>,
  DocumentReference: documentReferenceType as FhirType<never>,
};

export const fhirTypeOf = (name: string): FhirType<never> | null =>
  Object.hasOwn(FHIR_TYPES, name) ? FHIR_TYPES[name as ResourceType] : null;
