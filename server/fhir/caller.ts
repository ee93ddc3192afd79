import { readSession } from "@/server/auth/session";
import type { RlsContext } from "@/server/db/context";
import type { ResourceType } from "@/server/fhir/resources/common";

/*
 * Who a FHIR request acts as, and what its credential lets it ask for. The scopes only narrow: the
 * transaction runs as the user in the practice, and the policies decide what exists for them
 * whatever the scopes say.
 */

export type FhirInteraction = "read" | "search";

/**
 * One SMART scope as granted: `user/Patient.rs` is { level: "user", resourceType: "Patient",
 * interactions: read and search }. `patient/` scopes reach only the caller's `patientId`.
 */
export interface FhirScope {
  level: "user" | "patient";
  resourceType: ResourceType | "*";
  interactions: ReadonlySet<FhirInteraction>;
}

export type FhirScopes = readonly FhirScope[];

export interface FhirCaller {
  /** The transaction's identity, entered by the database (server/db/context.ts). */
  context: RlsContext;
  /** Whom the credential names; the context statement's answer must be the same user. */
  userId: string;
  /** The practice the credential is for (null: none chosen); the database's answer must agree. */
  orgId: string | null;
  scopes: FhirScopes;
  /** The patient in context (SMART `launch/patient`), the only one `patient/` scopes reach. */
  patientId: string | null;
  /** The registered app calling for the user (recorded in the audit); null for the app's own session. */
  clientId: string | null;
}

const READ_SEARCH: ReadonlySet<FhirInteraction> = new Set(["read", "search"]);

/** A signed-in browser session reaches what its user reaches: `user/*.rs`. */
export const SESSION_SCOPES: FhirScopes = [{ level: "user", resourceType: "*", interactions: READ_SEARCH }];

const RESOURCE_TYPES = new Set<string>(["Patient", "Practitioner", "Appointment", "DocumentReference", "*"]);
const SCOPE = /^(user|patient)\/([A-Za-z]+|\*)\.(read|write|\*|c?r?u?d?s?)$/;

/**
 * The FHIR scopes in a space-separated scope string, SMART v1 (`.read`, `.*`) or v2 (`.rs`,
 * `.cruds`): only read and search count here (the API has no writes). Other scopes (openid,
 * fhirUser, launch/patient, offline_access) and resource types the API does not serve give nothing.
 */
export function parseFhirScopes(scope: string): FhirScopes {
  const out: FhirScope[] = [];
  for (const word of scope.split(/\s+/)) {
    const m = SCOPE.exec(word);
    if (!m || !RESOURCE_TYPES.has(m[2]!)) continue;
    const [, level, resourceType, permissions] = m as unknown as [string, "user" | "patient", string, string];
    const interactions = new Set<FhirInteraction>();
    if (permissions === "read" || permissions === "*") {
      interactions.add("read").add("search");
    } else if (permissions !== "write") {
      if (permissions.includes("r")) interactions.add("read");
      if (permissions.includes("s")) interactions.add("search");
    }
    if (interactions.size > 0)
      out.push({ level, resourceType: resourceType as FhirScope["resourceType"], interactions });
  }
  return out;
}

/**
 * How far the caller's scopes reach for `interaction` on `type`: "user" (whatever the policies
 * show the user), "patient" (that, and only the caller's patient) or null (not at all).
 */
export function scopeReach(
  caller: Pick<FhirCaller, "scopes" | "patientId">,
  type: ResourceType,
  interaction: FhirInteraction,
): "user" | "patient" | null {
  const granted = caller.scopes.filter(
    (s) => (s.resourceType === "*" || s.resourceType === type) && s.interactions.has(interaction),
  );
  if (granted.some((s) => s.level === "user")) return "user";
  if (granted.some((s) => s.level === "patient") && caller.patientId) return "patient";
  return null;
}

/**
 * The caller of a FHIR request, or null when it carries no credential (401). Today the only
 * credential is the app's own session cookie, reaching what its user reaches (`user/*.rs`).
 */
export async function resolveFhirCaller(request: Request): Promise<FhirCaller | null> {
  const session = await readSession(request.headers);
  if (!session) return null;
  return {
    context: { kind: "session", sessionId: session.sessionId, secret: session.secret },
    userId: session.userId,
    orgId: session.orgId,
    scopes: SESSION_SCOPES,
    patientId: null,
    clientId: null,
  };
}
