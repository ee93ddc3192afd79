import { fhirMethodNotAllowed, fhirPreflight, handleFhir } from "@/server/fhir/http";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ path?: string[] }> };

/** The FHIR R4 API (server/fhir/http.ts): `/fhir/metadata`, `/fhir/<Type>`, `/fhir/<Type>/<id>`. */
export async function GET(request: Request, { params }: Params) {
  return handleFhir(request, (await params).path ?? []);
}

export const OPTIONS = fhirPreflight;
export const POST = fhirMethodNotAllowed;
export const PUT = fhirMethodNotAllowed;
export const PATCH = fhirMethodNotAllowed;
export const DELETE = fhirMethodNotAllowed;
