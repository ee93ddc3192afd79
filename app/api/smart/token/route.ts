import { getAuthDb } from "@/server/db/client";
import { preflight, tokenEndpoint } from "@/server/smart/token";

export const dynamic = "force-dynamic";

export const POST = (request: Request) => tokenEndpoint(getAuthDb(), request);
export const OPTIONS = preflight;
