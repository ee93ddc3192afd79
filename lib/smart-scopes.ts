/**
 * SMART App Launch v2 scopes CareRoster grants (read-only API): identity, the patient picker,
 * refresh tokens, and `.rs` (read + search) on each resource for the user's or one patient's view.
 * v1 `.read` is accepted as `.rs`. Anything else is never granted.
 */
export const SMART_RESOURCES = ["Patient", "Practitioner", "Appointment", "DocumentReference"] as const;

const IDENTITY_SCOPES = ["openid", "fhirUser", "launch/patient", "offline_access"] as const;
const RESOURCE_SCOPES = (["user", "patient"] as const).flatMap((who) =>
  (["*", ...SMART_RESOURCES] as const).map((r) => `${who}/${r}.rs`),
);

/** Every scope an app can be registered for, in the order the admin page lists them. */
export const SMART_SCOPES: readonly string[] = [...IDENTITY_SCOPES, ...RESOURCE_SCOPES];

const SUPPORTED = new Set(SMART_SCOPES);

/** A requested scope in its v2 form (`patient/*.read` → `patient/*.rs`), or null when not supported. */
export function normalizeScope(scope: string): string | null {
  const v2 = scope.replace(/^(user|patient)\/([A-Za-z*]+)\.read$/, "$1/$2.rs");
  return SUPPORTED.has(v2) ? v2 : null;
}

/** The scopes to grant: those requested (v1 forms mapped) that the app is registered for, once each, in catalogue order. */
export function grantableScopes(requested: string, allowed: readonly string[]): string[] {
  const asked = new Set(
    requested
      .split(/\s+/)
      .map(normalizeScope)
      .filter((s): s is string => s !== null),
  );
  return SMART_SCOPES.filter((s) => asked.has(s) && allowed.includes(s));
}

/** Whether the grant needs a patient chosen: the picker was asked for, or a patient/ scope is granted. */
export const needsPatient = (scopes: readonly string[]) =>
  scopes.some((s) => s === "launch/patient" || s.startsWith("patient/"));

const RESOURCE_WORDS: Record<string, string> = {
  "*": "records (patients, clinicians, appointments and signed notes)",
  Patient: "patient demographics",
  Practitioner: "the practice's clinicians",
  Appointment: "appointments",
  DocumentReference: "signed notes",
};

/** A scope in words, for the consent screen and the admin page. */
export function scopeInWords(scope: string): string {
  switch (scope) {
    case "openid":
      return "Confirm who you are";
    case "fhirUser":
      return "Know your CareRoster account (your name and role)";
    case "launch/patient":
      return "Work with one patient you choose here";
    case "offline_access":
      return "Stay connected between uses, until you or the practice end its access";
  }
  const m = /^(user|patient)\/([A-Za-z*]+)\.rs$/.exec(scope);
  if (!m) return scope;
  if (m[2] === "Practitioner") return "Read the practice's clinicians";
  if (m[1] === "patient" && m[2] === "Patient") return "Read the chosen patient's demographics";
  if (m[1] === "patient" && m[2] === "*") {
    return "Read the chosen patient's record (demographics, appointments and signed notes) and the practice's clinicians";
  }
  const what = RESOURCE_WORDS[m[2]] ?? m[2];
  return m[1] === "user" ? `Read ${what} you can see` : `Read the chosen patient's ${what}`;
}
