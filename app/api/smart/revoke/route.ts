import { getAuthDb } from "@/server/db/client";
import { preflight, revokeEndpoint } from "@/server/smart/token";

export const dynamic = "force-dynamic";

export const POST = (request: Request) => revokeEndpoint(getAuthDb(), request);
export const OPTIONS = preflight;
