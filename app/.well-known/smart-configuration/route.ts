import { smartConfiguration } from "@/server/smart/config";
import { SMART_CORS } from "@/server/smart/token";

export const dynamic = "force-dynamic";

/** SMART App Launch v2 discovery (also answered under the FHIR base, where apps look first). */
export const GET = () => Response.json(smartConfiguration(), { headers: SMART_CORS });
export const OPTIONS = () => new Response(null, { status: 204, headers: SMART_CORS });
