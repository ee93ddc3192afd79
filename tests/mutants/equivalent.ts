// A column the runtime role may not write takes its default on every insert it can make: a check
// that the inserted row holds that default cannot be false, however the conjunct is removed.
const SSO_DOMAIN_DEFAULTS =
  "The runtime role may insert only `org_id` and `domain` (column privilege): `verified_at`, `verified_by` and `last_checked_at` take their NULL defaults on every insert it can make, so the check's `IS NULL` tests cannot be false.";
const MFA_DEFAULTS =
  "The runtime role may insert only `user_id` and `secret_enc` (column privilege): `confirmed_at` and `last_step` take their defaults (NULL and 0) on every insert it can make, so the check's `confirmed_at IS NULL` and `last_step = 0` cannot be false.";
const PATIENT_UPDATE_CHECK =
  "A clinician's update cannot change the row's `id` or `archived_at` (the BEFORE UPDATE trigger refuses both for anyone but an admin), and the USING already found the old row live and among the caller's visible patients in the same statement: both conjuncts of the check hold for every row it can write, with either one alone, or with OR.";
const ENTRY_NOT_IN_ERROR =
  "The BEFORE INSERT trigger (app_clinical_entry_before_insert) clears `error_reason`, `error_by` and `error_at` before the policy's check runs, so the check's `error_reason IS NULL` cannot be false: an entry is born valid whatever its inserter wrote.";
const ENTRY_IN_PATIENTS_PRACTICE =
  "Every permissive policy of the table reaches a row only through its patient (`patient_id` among the caller's visible patients, all of the caller's practice), and the composite foreign key (org_id, patient_id) → patients(org_id, id) keeps each row in its patient's practice: without the restrictive USING the same rows remain. Its WITH CHECK still refuses a write into another practice.";
const INVITATION_UPDATE_CHECK =
  "The check restates the USING for every row that reaches it: the caller is the admin (asked in the same statement), and the runtime role cannot write `accepted_at` or `accepted_by` (column privilege); the USING requires `accepted_at` NULL, and every path that writes `accepted_by` sets `accepted_at` in the same statement (the insert check requires both NULL, the accept functions set both). Each conjunct holds, whichever is dropped or ORed.";
const VISIBLE_NEVER_ARCHIVED =
  "The visible set never holds an archived patient (care-team rows carry `patient_archived`, kept by the patients' trigger in the archiving statement; covers read the same flag; grants check `archived_at`), and a clinician cannot archive (the BEFORE UPDATE trigger refuses it to anyone but an admin): `id = ANY (visible)` already implies `archived_at IS NULL`.";
const CARE_TEAM_NOT_UPDATABLE =
  "The runtime role has no UPDATE privilege on care_team (rows are inserted and deleted, never changed): PostgreSQL refuses the statement before any policy is evaluated, so care_team_update's USING and WITH CHECK are never reached. The policy stays for the day a grant is added.";

/**
 * Mutants that survive because they change nothing anyone can observe, each with the reason. A mutant
 * listed here without such a reason, or one that a test could tell apart, is a missing test instead.
 */
export const EQUIVALENT: Record<string, string> = {
  "app_grant_running:gt-to-ge-1":
    "`expires_at >= now()` differs from `>` only in a transaction that began at the grant's expiry to the microsecond; a grant's end is set from its own transaction's clock, so no request can choose to meet it.",
  "clinical_notes.clinical_notes_insert:check:drop-conjunct-4":
    "The BEFORE INSERT trigger sets `version := 1` before the policy's check runs, so the check's `version = 1` cannot be false: the conjunct states the trigger's rule a second time.",
  "clinical_notes.clinical_notes_insert:check:drop-null-test-2":
    "Without `addendum_to IS NULL` the check would let a draft name a note it adds to; the table's CHECK `clinical_notes_addendum_signed` (`addendum_to IS NULL OR status <> 'draft'`) refuses exactly those rows, so the same inserts are refused (the error names the constraint instead of the policy).",
  "clinical_notes.clinical_notes_org_isolation:using-true":
    "A note is read only through its patient (`patient_id` among the caller's visible patients, all of the caller's practice), and the composite foreign key (org_id, patient_id) → patients(org_id, id) keeps every note in its patient's practice: without the restrictive filter the same rows remain. It stays as defence in depth.",
  "invitations.invitations_insert:check:drop-conjunct-2":
    "The restrictive `invitations_org_isolation` (FOR ALL) checks `org_id = app_org_id()` on every insert as well: without the permissive policy's copy the same rows are refused.",
  "coverage.coverage_update:check:drop-conjunct-1":
    "`covering_id` and `covered_id` cannot change (the runtime role may update only `ended_at` and `ended_by`, and the BEFORE UPDATE trigger refuses any other change), so the new row's parties are the old row's, which the USING already required to include the caller.",
  ...Object.fromEntries(
    [
      "drop-conjunct-3",
      "drop-conjunct-4",
      "drop-conjunct-5",
      "drop-null-test-1",
      "drop-null-test-2",
      "drop-null-test-3",
    ].map((m) => [`org_sso_domains.org_sso_domains_insert:check:${m}`, SSO_DOMAIN_DEFAULTS]),
  ),
  ...Object.fromEntries(
    ["drop-conjunct-2", "drop-conjunct-3", "drop-null-test-1"].map((m) => [
      `user_mfa.user_mfa_insert:check:${m}`,
      MFA_DEFAULTS,
    ]),
  ),
  ...Object.fromEntries(
    ["and-to-or", "drop-conjunct-1", "drop-null-test-1", "drop-conjunct-2"].map((m) => [
      `patients.patients_update:check:${m}`,
      PATIENT_UPDATE_CHECK,
    ]),
  ),
  "clinical_note_versions.clinical_note_versions_org_isolation:check:eq-to-ne-1":
    "The runtime role has only SELECT on clinical_note_versions; its rows are written by the notes' trigger as the owner, to whom the policy does not apply. The WITH CHECK is never evaluated, whatever it says (the catalog test still requires it on every write policy).",
  ...Object.fromEntries(
    ["drop-conjunct-1", "drop-conjunct-2", "and-to-or"].map((m) => [
      `memberships.memberships_update:check:${m}`,
      "The runtime role may update only `role` and `status` (column privilege): the new row's `org_id` is the old row's, which the USING already required to be the caller's practice, with the caller its admin (`(SELECT app_is_admin())`, one value for the whole statement, so an admin demoting themselves is still asked as admin). Both conjuncts of the check hold for every row that reaches it.",
    ]),
  ),
  "sessions.sessions_update:check:drop-conjunct-2":
    "The runtime role may update only `revoked_at` (column privilege): the new row's `user_id` and `org_id` are the old row's, and the USING asked the same clause of them (the caller's own, or their practice's active member with the caller its admin) in the same statement. The check's copy of it cannot be false; its `revoked_at IS NOT NULL` stays.",
  "coverage.coverage_insert:check:drop-conjunct-2":
    "The check's first conjunct makes the caller the covered clinician, and the BEFORE INSERT trigger refuses any cover that does not name two active clinicians of the practice: a cover naming the caller as covering too has one party and is refused before the check's `covering_id <> app_user_id()` is asked.",
  "coverage.coverage_insert_admin:check:drop-conjunct-3":
    "The policy applies to a caller who is the practice's admin (`app_is_admin()`), whose membership there is an admin's, and the BEFORE INSERT trigger refuses any cover whose two parties are not active clinicians of the practice: a cover naming the admin as covering is refused before the check's `covering_id <> app_user_id()` is asked.",
  ...Object.fromEntries(
    ["allergies", "conditions", "medication_statements", "vital_signs"].flatMap((t) =>
      ["drop-conjunct-3", "drop-null-test-1"].map((m) => [`${t}.${t}_insert:check:${m}`, ENTRY_NOT_IN_ERROR]),
    ),
  ),
  ...Object.fromEntries(
    [
      "using-true",
      "check:and-to-or",
      "check:eq-to-ne-1",
      "check:ne-to-eq-1",
      "check:drop-conjunct-1",
      "check:drop-conjunct-2",
      "check:drop-conjunct-3",
    ].map((m) => [`care_team.care_team_update:${m}`, CARE_TEAM_NOT_UPDATABLE]),
  ),
  ...Object.fromEntries(
    ["drop-conjunct-1", "drop-conjunct-2", "and-to-or"].map((m) => [
      `organizations.organizations_update_admin:check:${m}`,
      "The runtime role may update only `mfa_policy` and `time_zone`: the new row's `id` is the old row's, and the USING already required it to be the caller's practice and the caller its admin, in the same statement. Every conjunct of the check holds for every row that reaches it.",
    ]),
  ),
  "mfa_recovery_codes.mfa_recovery_codes_update:check:drop-conjunct-1":
    "The runtime role may update only `used_at` (column privilege): the new row's `user_id` is the old row's, which the USING already required to be the caller in the same statement.",
  ...Object.fromEntries(
    ["allergies", "conditions", "medication_statements", "vital_signs"].map((t) => [
      `${t}.${t}_org_isolation:using-true`,
      ENTRY_IN_PATIENTS_PRACTICE,
    ]),
  ),
  ...Object.fromEntries(
    ["drop-conjunct-3", "drop-null-test-1"].map((m) => [
      `smart_apps.smart_apps_insert_admin:check:${m}`,
      "The runtime role may insert only `org_id`, `client_id`, `name`, `redirect_uris`, `confidential`, `secret_hash`, `scopes` and `created_by` (column privilege): `disabled_at` takes its NULL default on every insert it can make, so the check's `disabled_at IS NULL` cannot be false.",
    ]),
  ),
  ...Object.fromEntries(
    ["drop-conjunct-1", "drop-conjunct-2", "drop-conjunct-3", "and-to-or", "drop-null-test-1", "drop-null-test-2"].map(
      (m) => [`invitations.invitations_update:check:${m}`, INVITATION_UPDATE_CHECK],
    ),
  ),
  ...Object.fromEntries(
    ["drop-conjunct-2", "drop-null-test-1"].map((m) => [
      `mfa_recovery_codes.mfa_recovery_codes_insert:check:${m}`,
      "The runtime role may insert only `user_id` and `code_hash` (column privilege): `used_at` takes its NULL default on every insert it can make, so the check's `used_at IS NULL` cannot be false.",
    ]),
  ),
  ...Object.fromEntries(
    ["patients_update", "patients_select"].flatMap((policy) =>
      ["drop-conjunct-1", "drop-null-test-1"].map((m) => [`patients.${policy}:using:${m}`, VISIBLE_NEVER_ARCHIVED]),
    ),
  ),
  ...Object.fromEntries(
    ["and-to-or", "drop-conjunct-1", "drop-conjunct-2", "drop-conjunct-3", "drop-null-test-1"].map((m) => [
      `clinical_notes.clinical_notes_update_own:check:${m}`,
      "The note's author and patient cannot change (column privilege and the lock trigger), so the USING made the check's first two conjuncts true for every row it lets through; the lock trigger clears `signed_at` on every note that is not signed and lets a signed note become only entered-in-error, so `status <> 'draft' OR signed_at IS NULL` holds too. Every conjunct holds, so dropping one, or OR for AND, changes nothing.",
    ]),
  ),
  "access_grants.access_grants_end_own:check:drop-conjunct-1":
    "The runtime role may update only the review and revocation columns (column privilege): the new row's `clinician_id` is the old row's, which the USING already required to be the caller in the same statement.",
  ...Object.fromEntries(
    ["drop-conjunct-2", "drop-null-test-1"].map((m) => [
      `access_grants.access_grants_update:check:${m}`,
      "The review trigger lets a review through only in the caller's own name and never by the grantee (`reviewed_by` = the caller ≠ `clinician_id`), and a reviewed grant is reviewed once: no row can reach the check with `reviewed_by = clinician_id`, so `reviewed_by IS NULL OR reviewed_by <> clinician_id` cannot be false, in part or whole.",
    ]),
  ),
  ...Object.fromEntries(
    ["smart_apps.smart_apps_update_admin", "coverage.coverage_update_admin"].map((p) => [
      `${p}:check:drop-conjunct-1`,
      "An update reaches the check only through the USING, which asked `app_is_admin()` in the same statement (a stable function: the same answer for the whole statement), so the check's copy of it cannot be false.",
    ]),
  ),
  ...Object.fromEntries(
    [
      ["login_attempts", "the throttle's"],
      ["password_resets", "the password-reset"],
    ].map(([t, who]) => [
      `${t}.${t}_none:using-true`,
      `The runtime role holds no privilege on ${t} (only ${who} definer functions touch it, as the owner, who bypasses row security): PostgreSQL refuses every statement before the policy is evaluated. The policy stays for the day a grant is added.`,
    ]),
  ),
  "clinical_note_versions.clinical_note_versions_org_isolation:using-true":
    "A version is read only through its patient (visible, or a merged chart of a visible one: both of the caller's practice). Its rows are written only by the notes' trigger, from the note's own org_id and patient_id (the runtime role has SELECT alone), the key (org_id, note_id) → clinical_notes(org_id, id) ties it to its note, and a note keeps its patient and practice (lock trigger, composite key to patients): without the restrictive USING the same rows remain.",
};
