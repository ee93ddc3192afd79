import { idTokenKey } from "@/server/smart/config";
import { SMART_CORS } from "@/server/smart/token";

export const dynamic = "force-dynamic";

/** The public key that signs id_tokens. */
export async function GET() {
  const { publicJwk } = await idTokenKey();
  return Response.json({ keys: [publicJwk] }, { headers: SMART_CORS });
}
