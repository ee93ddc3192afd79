import { randomUUID } from "node:crypto";
import { getDb } from "@/server/db/client";
import { SessionEndedError, withRlsContext } from "@/server/db/context";
import { databaseOutage, RETRY_AFTER_SECONDS } from "@/server/db/errors";
import { APP_ERRORS } from "@/lib/app-errors";
import { appUrl } from "@/server/mail";
import { capabilityStatement } from "@/server/fhir/capability";
import { resolveFhirCaller, scopeReach } from "@/server/fhir/caller";
import { readResource, searchResources } from "@/server/fhir/interactions";
import { FhirError, operationOutcome } from "@/server/fhir/outcome";
import { FHIR_TYPES, fhirTypeOf } from "@/server/fhir/types";
import { isUuid } from "@/server/fhir/params";

/*
 * The FHIR API's one entry (app/fhir/... route handlers call only this): content negotiation, the
 * caller, one withRlsContext transaction per request, and errors as OperationOutcomes.
 */

export const FHIR_JSON = "application/fhir+json; charset=utf-8";

/** The API's base URL: the app's public URL (AUTH_URL) + `/fhir`. */
export const fhirBase = () => `${appUrl()}/fhir`;

// Any origin may call with a bearer token; no credentials are allowed across origins, so a
// page elsewhere cannot read the API with a signed-in browser's cookie.
const CORS = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "location, content-location, www-authenticate",
};

export function fhirResponse(body: object, status = 200, extra: Record<string, string> = {}, pretty = false) {
  return new Response(JSON.stringify(body, null, pretty ? 2 : undefined), {
    status,
    headers: { "content-type": FHIR_JSON, ...CORS, ...extra },
  });
}

/** The preflight of a cross-origin request with a bearer token. */
export function fhirPreflight() {
  return new Response(null, {
    status: 204,
    headers: {
      ...CORS,
      "access-control-allow-methods": "GET, OPTIONS",
      "access-control-allow-headers": "authorization, accept, content-type, prefer",
      "access-control-max-age": "600",
    },
  });
}

const JSON_FORMATS = new Set(["json", "application/json", "application/fhir+json"]);
const lenient = (request: Request) => /(^|[,;\s])handling\s*=\s*"?lenient"?/i.test(request.headers.get("prefer") ?? "");

function errorResponse(err: unknown): Response {
  if (err instanceof FhirError) {
    const challenge = err.status === 401 ? { "www-authenticate": 'Bearer realm="careroster"' } : undefined;
    return fhirResponse(operationOutcome(err.issues), err.status, challenge);
  }
  if (err instanceof SessionEndedError)
    return errorResponse(FhirError.of(401, "login", "The session has ended. Sign in again."));
  const outage = databaseOutage(err);
  if (outage) {
    const { message } = APP_ERRORS[outage === "read-only" ? "DATABASE_READ_ONLY" : "DATABASE_UNAVAILABLE"];
    return fhirResponse(operationOutcome([{ severity: "error", code: "transient", diagnostics: message }]), 503, {
      "retry-after": String(RETRY_AFTER_SECONDS),
    });
  }
  console.error("careroster: FHIR request failed", (err as Error)?.name);
  return fhirResponse(
    operationOutcome([{ severity: "fatal", code: "exception", diagnostics: "Something went wrong on our side." }]),
    500,
  );
}

/** A GET under `/fhir`: `path` is what follows `/fhir/` (["metadata"], ["Patient"], ["Patient", id]). */
export async function handleFhir(request: Request, path: string[]): Promise<Response> {
  try {
    const url = new URL(request.url);
    const pretty = url.searchParams.get("_pretty") === "true";
    const format = url.searchParams.get("_format");
    if (format !== null && !JSON_FORMATS.has(format))
      throw FhirError.of(406, "not-supported", `Only JSON is served (_format=${format}).`);
    if (path.length === 1 && path[0] === "metadata")
      return fhirResponse(capabilityStatement(appUrl()), 200, {}, pretty);

    const caller = await resolveFhirCaller(request);
    if (!caller) throw FhirError.of(401, "login", "Sign in, or send a bearer token.");
    const [typeName, id, ...rest] = path;
    const t = typeName ? fhirTypeOf(typeName) : null;
    if (!t || rest.length > 0)
      throw FhirError.of(404, "not-supported", `This server serves metadata, ${Object.keys(FHIR_TYPES).join(", ")}.`);
    const interaction = id === undefined ? "search" : "read";
    const reach = scopeReach(caller, t.type, interaction);
    if (!reach) throw FhirError.of(403, "forbidden", `The granted scopes do not allow ${interaction} of ${t.type}.`);

    const body = await withRlsContext(getDb(), caller.context, async (tx, guard) => {
      // The credential's user and practice are claims; the database's answer decides.
      guard.require((facts) => {
        if (facts.userId !== caller.userId) throw new SessionEndedError();
        if (facts.mfaRequired)
          throw FhirError.of(403, "forbidden", "The practice requires two-factor authentication; set it up first.");
        if (facts.orgId === null || facts.orgId !== caller.orgId)
          throw FhirError.of(403, "forbidden", "Not an active member of this practice.");
      });
      const r = { tx, caller: { ...caller, orgId: caller.orgId! }, requestId: randomUUID(), reach, base: fhirBase() };
      if (id === undefined) return searchResources(r, t, url.searchParams, lenient(request));
      // An id that cannot exist reads nothing: the session's answer comes first all the same.
      if (!isUuid(id)) await guard.ready();
      return readResource(r, t, id);
    });
    return fhirResponse(body, 200, {}, pretty);
  } catch (err) {
    return errorResponse(err);
  }
}

/** Any method but GET and OPTIONS: the API reads only. */
export function fhirMethodNotAllowed() {
  return fhirResponse(
    operationOutcome([{ severity: "error", code: "not-supported", diagnostics: "This API reads only (GET)." }]),
    405,
    { allow: "GET, OPTIONS" },
  );
}
