import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { type Coverage, canMeet, type MutantKind } from "./coverage";
import type { Mutant } from "./operators";

/**
 * Which security tests meet a mutant first. A verdict never depends on this order: a mutant the
 * first stage misses meets every other security test before it counts as survived. The order only
 * decides how soon the killing test runs, so it is derived from the tests' own text: the files that
 * name what the mutant breaks (its table, function or trigger, and the words the app uses for it)
 * run first, most mentions per second of the file's last run first (a slow file that names the
 * table once waits behind quick ones that name it often).
 */

/** The security-relevant part of the suite. */
export const SECURITY_DIRS = [
  "tests/rls",
  "tests/access",
  "tests/notes",
  "tests/essentials",
  "tests/break-glass",
  "tests/coverage",
  "tests/patients",
  "tests/appointments",
  "tests/sessions",
  "tests/accounts",
  "tests/sso",
  "tests/two-factor",
  "tests/admin",
  "tests/smart",
  "tests/fhir",
  "tests/export",
  "tests/jobs",
  "tests/audit",
  "tests/auth",
  "tests/api",
  "tests/reliability",
];

/** The catalog tests check flags of every table and function at once: they kill these in seconds. */
const CATALOG_TESTS = ["tests/rls/catalog.test.ts", "tests/rls/catalog-privileges.test.ts"];
const CATALOG_OPERATORS = new Set([
  "no-force-rls",
  "disable-rls",
  "search-path-reset",
  "execute-to-public",
  "drop-with-check",
]);

/** Words the app and its tests use for a table or rule function besides its SQL name. */
const ALIASES: Record<string, string[]> = {
  access_grants: ["breakGlass", "grant"],
  coverage: ["cover"],
  care_team: ["careTeam"],
  clinical_notes: ["notes.", "note"],
  clinical_note_versions: ["notes.", "history"],
  conditions: ["essentials", "problem"],
  allergies: ["essentials", "allerg"],
  medication_statements: ["essentials", "medication"],
  vital_signs: ["essentials", "vitals"],
  appointments: ["appointments.", "schedule"],
  appointment_reminders: ["reminder"],
  memberships: ["members", "suspend"],
  users: ["members"],
  sessions: ["session"],
  user_mfa: ["twoFactor", "totp"],
  mfa_recovery_codes: ["recovery"],
  org_sso: ["sso"],
  org_sso_domains: ["sso", "domain"],
  user_identities: ["sso", "identit"],
  invitations: ["invit"],
  password_resets: ["reset"],
  login_attempts: ["throttl", "attempt"],
  audit_events: ["audit"],
  mrn_sequences: ["mrn"],
  app_visible_patient_ids: ["patients.list", "grant", "cover", "careTeam"],
  app_grant_running: ["grant", "expire", "revoke"],
  app_cover_active: ["cover", "ended"],
  app_cover_until: ["cover", "until"],
  app_merged_visible_patients: ["merge"],
  app_is_admin: ["admin"],
  app_session_admits: ["session", "revoke"],
  app_context_valid: ["context"],
};

export interface TestFile {
  path: string;
  text: string;
  /** How long the file took when it last ran to the end, when known. */
  seconds?: number;
}

export function securityTests(root = process.cwd()): TestFile[] {
  return SECURITY_DIRS.flatMap((dir) =>
    readdirSync(path.join(root, dir))
      .filter((f) => f.endsWith(".test.ts"))
      .sort()
      .map((f) => ({ path: `${dir}/${f}`, text: readFileSync(path.join(root, dir, f), "utf8").toLowerCase() })),
  );
}

/** What a mutant breaks: the table of a policy, table flag or trigger, or the function's name. */
export function subjectOf(m: Mutant): string {
  return m.id.slice(0, m.id.search(/[.:]/));
}

/** Which catalog a mutant's DDL changes: a policy, a table's flags, a function, or a trigger. */
export function kindOf(m: Mutant): MutantKind {
  if (m.operator === "drop-trigger") return "trigger";
  if (m.id.includes(".")) return "policy";
  return m.operator === "no-force-rls" || m.operator === "disable-rls" ? "table" : "function";
}

const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

const count = (text: string, term: string) => text.split(term.toLowerCase()).length - 1;

/**
 * The security tests in two stages: those that name the mutant's subject (most mentions first), then
 * the rest; with `reaches` (coverage.ts), only the files whose statements can reach the subject.
 */
export function stagesFor(m: Mutant, tests: TestFile[], coverage?: Coverage): [string[], string[]] {
  const subject = subjectOf(m);
  const meets = (p: string) => !coverage || canMeet(coverage[p], subject, kindOf(m));
  const trigger = m.operator === "drop-trigger" ? [m.id.slice(subject.length + 1, m.id.indexOf(":"))] : [];
  const terms = [subject, camel(subject), ...trigger, ...(ALIASES[subject] ?? [])];
  const scored = tests
    .filter((t) => meets(t.path))
    .map((t) => ({
      path: t.path,
      score: terms.reduce((n, term) => n + count(t.text, term), 0) / Math.max(1, t.seconds ?? 1),
    }))
    .filter((t) => t.score > 0)
    .sort((a, b) => b.score - a.score || a.path.localeCompare(b.path))
    .map((t) => t.path);
  const first = CATALOG_OPERATORS.has(m.operator)
    ? [...CATALOG_TESTS, ...scored.filter((p) => !CATALOG_TESTS.includes(p))]
    : scored;
  return [first, tests.map((t) => t.path).filter((p) => !first.includes(p) && meets(p))];
}
