import { z } from "zod";
import { mfaPolicies } from "@/lib/schemas/two-factor";

/** What an audit row is about (`audit_events.entity`); `AUDIT_ENTITY_LABELS` names each for people. */
export type AuditEntity =
  | "patient"
  | "clinical_note"
  | "condition"
  | "allergy"
  | "medication_statement"
  | "vital_sign"
  | "appointment"
  | "appointment_reminder"
  | "care_team"
  | "coverage"
  | "access_grant"
  | "invitation"
  | "membership"
  | "session"
  | "user"
  | "organization"
  | "smart_app"
  | "fhir_resource";

export const AUDIT_ENTITY_LABELS: Record<AuditEntity, string> = {
  patient: "Patient record",
  clinical_note: "Clinical note",
  condition: "Problem",
  allergy: "Allergy",
  medication_statement: "Medication",
  vital_sign: "Vital signs",
  appointment: "Appointment",
  appointment_reminder: "Appointment reminders",
  care_team: "Care team",
  coverage: "Cover",
  access_grant: "Emergency access",
  invitation: "Invitation",
  membership: "Membership",
  session: "Sign-in session",
  user: "Account",
  organization: "Practice",
  smart_app: "Connected app",
  fhir_resource: "Health data exchange",
};

// Details hold ids, counts, field names and choices: never patient data values.
const none = z.object({}).strict();
const ids = z.array(z.uuid());
const role = z.enum(["admin", "clinician"]);
const ended = z.object({ endedSessions: z.number() });
const domain = z.object({ domain: z.string() });
const booking = z.object({ clinicianId: z.uuid(), visitType: z.string(), doubleBooked: z.boolean() });
const cover = z.object({ coveringId: z.uuid(), coveredId: z.uuid() });
const issuer = z.object({ issuer: z.string() });
const version = z.object({ version: z.number() });
const timeZone = z.object({ timeZone: z.string() });
const patientList = z.object({ patientIds: ids });
const noteIds = z.object({ noteIds: ids });
const changedFields = z.object({ fields: z.array(z.string()) });
const cancelled = z.object({ reason: z.string().optional() });
const todayList = z.object({ day: z.string(), patientIds: ids });
const searched = z.object({ search: z.string(), results: z.number(), patientIds: ids });
const revoked = z.object({ clinicianId: z.uuid() });
const explained = z.object({ memberId: z.uuid(), canSee: z.boolean() });
const reported = z.object({ from: z.string(), to: z.string(), rows: z.number() });
const roleChosen = z.object({ role });
const accepted = roleChosen.extend({ via: z.literal("sso").optional() });
const signInMethod = z.object({ method: z.enum(["password", "totp", "recovery_code", "sso"]), provider: z.string() });
const mfaReset = z.object({ by: z.enum(["admin", "self"]), with: z.literal("recovery_code").optional() });
const unlinked = issuer.extend({ practiceId: z.uuid() });
const mfaPolicy = z.object({ policy: z.enum(mfaPolicies) });
const ssoSaved = issuer.extend({ secretChanged: z.boolean() });
const verified = domain.extend({ by: z.enum(["dns", "operator"]) });
const reminders = z.object({ recorded: z.number() });
const scopes = z.object({ scopes: z.array(z.string()) });
const smartGrant = z.enum(["authorization_code", "refresh_token"]);
const fhirType = z.enum(["Patient", "Practitioner", "Appointment", "DocumentReference"]);
// `app`: the registered app's client id when an app called for the member.
const fhirRead = z.object({ resourceType: fhirType, app: z.string().optional() });
const fhirSearch = fhirRead.extend({ parameters: z.array(z.string()), results: z.number(), patientIds: ids });

/**
 * Every action an audit row can record, with its label for people. `audit()`, the audit log's
 * filter and the access report all take their names from here, so a new action cannot be recorded
 * without being filterable. The SQL functions that write audit rows themselves
 * (drizzle/0010_invitations.sql) use the `member.invite_accept` and `auth.password_reset*` names.
 * `access: true` marks reads of patient data (the audit page's access chart). Each action names its
 * entity and the shape of its detail, so `audit()` is type-checked per action.
 */
export const AUDIT_ACTIONS = {
  "patient.view": { label: "Opened the chart", access: true, entity: "patient", detail: none },
  "patient.list": { label: "Shown on a patient list page", access: true, entity: "patient", detail: patientList },
  "patient.create": {
    label: "Registered the patient",
    entity: "patient",
    // The reason is the registrar's own words for going ahead despite possible duplicates.
    detail: z
      .object({
        mrnGenerated: z.boolean(),
        duplicateReason: z.string().optional(),
        duplicateCandidateIds: ids.optional(),
        duplicateElsewhere: z.boolean().optional(),
      })
      .strict(),
  },
  "patient.duplicate_check": {
    label: "Checked a registration for duplicates",
    access: true,
    entity: "patient",
    detail: z.object({ patientIds: ids, elsewhere: z.boolean() }),
  },
  "patient.merge": {
    label: "Merged a duplicate chart into this one",
    entity: "patient",
    detail: z.object({ mergedPatientId: z.uuid(), appointments: z.number(), careTeam: z.number(), notes: z.number() }),
  },
  "patient.update": { label: "Changed demographics", entity: "patient", detail: changedFields },
  "patient.archive": { label: "Archived the record", entity: "patient", detail: none },
  "patient.restore": { label: "Restored the record", entity: "patient", detail: none },
  "note.list": { label: "Read the notes", access: true, entity: "clinical_note", detail: noteIds },
  "note.drafts": { label: "Listed own unsigned drafts", entity: "clinical_note", detail: noteIds },
  "note.create": { label: "Wrote a note", entity: "clinical_note", detail: none },
  "note.update": { label: "Edited a draft note", entity: "clinical_note", detail: version },
  "note.sign": { label: "Signed a note", entity: "clinical_note", detail: version },
  "note.addendum": { label: "Added an addendum", entity: "clinical_note", detail: z.object({ addendumTo: z.uuid() }) },
  "note.entered_in_error": { label: "Marked a note entered in error", entity: "clinical_note", detail: none },
  "essentials.view": {
    label: "Read problems, allergies, medications and vitals",
    access: true,
    entity: "patient",
    detail: z.object({ problems: z.number(), allergies: z.number(), medications: z.number(), vitals: z.number() }),
  },
  "problem.record": { label: "Recorded a problem", entity: "condition", detail: none },
  "problem.resolve": { label: "Marked a problem resolved", entity: "condition", detail: none },
  "problem.entered_in_error": { label: "Marked a problem entered in error", entity: "condition", detail: none },
  "allergy.record": {
    label: "Recorded an allergy",
    entity: "allergy",
    detail: z.object({ endedNoKnownAllergies: z.uuid().optional() }),
  },
  "allergy.no_known": { label: "Recorded no known allergies", entity: "allergy", detail: none },
  "allergy.entered_in_error": { label: "Marked an allergy entry entered in error", entity: "allergy", detail: none },
  "medication.record": { label: "Recorded a medication", entity: "medication_statement", detail: none },
  "medication.stop": { label: "Stopped a medication", entity: "medication_statement", detail: none },
  "medication.entered_in_error": {
    label: "Marked a medication entered in error",
    entity: "medication_statement",
    detail: none,
  },
  "vitals.record": { label: "Recorded vital signs", entity: "vital_sign", detail: z.object({ vitalIds: ids }) },
  "vitals.entered_in_error": { label: "Marked a vital sign entered in error", entity: "vital_sign", detail: none },
  "appointment.list": { label: "Read the appointments", access: true, entity: "appointment", detail: none },
  "appointment.create": { label: "Booked an appointment", entity: "appointment", detail: booking },
  "appointment.cancel": { label: "Cancelled an appointment", entity: "appointment", detail: cancelled },
  "appointment.double_book": { label: "Double-booked a clinician", entity: "appointment", detail: booking },
  "appointment.today": { label: "Viewed today's visits", access: true, entity: "appointment", detail: todayList },
  "appointment.schedule": {
    label: "Viewed a schedule",
    access: true,
    entity: "appointment",
    detail: z.object({ from: z.string(), to: z.string(), patientIds: ids }),
  },
  "care_team.assign": { label: "Added to a care team", entity: "care_team", detail: none },
  "care_team.unassign": { label: "Removed from a care team", entity: "care_team", detail: none },
  "coverage.preview": { label: "Previewed cover", entity: "coverage", detail: cover.extend({ added: z.number() }) },
  "coverage.create": { label: "Arranged cover", entity: "coverage", detail: cover.extend({ endsAt: z.string() }) },
  "coverage.end": { label: "Ended cover", entity: "coverage", detail: cover },
  "directory.search": { label: "Searched the directory", entity: "patient", detail: searched },
  "break_glass.request": { label: "Requested emergency access", entity: "access_grant", detail: none },
  "break_glass.review": { label: "Reviewed emergency access", entity: "access_grant", detail: none },
  "break_glass.revoke": { label: "Emergency access revoked by an admin", entity: "access_grant", detail: revoked },
  "break_glass.end": { label: "Emergency access ended by the clinician", entity: "access_grant", detail: none },
  "access.explain": { label: "Checked who can see the record", entity: "patient", detail: explained },
  "access.report": { label: "Viewed this access report", entity: "patient", detail: reported },
  "member.invite": { label: "Invited a member", entity: "invitation", detail: roleChosen },
  "member.invite_resend": { label: "Resent an invitation", entity: "invitation", detail: none },
  "member.invite_revoke": { label: "Revoked an invitation", entity: "invitation", detail: none },
  "member.invite_accept": { label: "Accepted an invitation", entity: "invitation", detail: accepted },
  "member.role": { label: "Changed a member's role", entity: "membership", detail: roleChosen },
  "member.suspend": { label: "Suspended a member", entity: "membership", detail: none },
  "member.reactivate": { label: "Reactivated a member", entity: "membership", detail: none },
  "member.sign_out_everywhere": { label: "Signed a member out everywhere", entity: "membership", detail: ended },
  "auth.sign_in": { label: "Signed in", entity: "session", detail: signInMethod },
  "auth.sign_out": { label: "Signed out", entity: "session", detail: none },
  "auth.password_change": { label: "Changed password", entity: "user", detail: ended },
  "auth.password_change_failed": { label: "Failed password change", entity: "user", detail: none },
  "auth.password_reset_request": { label: "Requested a password reset", entity: "user", detail: none },
  "auth.password_reset": { label: "Reset password", entity: "user", detail: none },
  "auth.mfa_enroll": { label: "Set up two-factor sign-in", entity: "user", detail: none },
  "auth.mfa_recovery_codes_regenerate": { label: "Made new recovery codes", entity: "user", detail: none },
  "auth.mfa_reset": { label: "Reset a member's two-factor sign-in", entity: "user", detail: mfaReset },
  "auth.sso_link": { label: "Linked the practice's sign-in to an account", entity: "user", detail: issuer },
  "auth.sso_unlink": { label: "Unlinked a practice's sign-in from an account", entity: "user", detail: unlinked },
  "settings.mfa_policy": { label: "Changed the two-factor policy", entity: "organization", detail: mfaPolicy },
  "practice.mrn_prefix": {
    label: "Changed the practice's MRN prefix",
    entity: "organization",
    detail: z.object({ prefix: z.string() }),
  },
  "practice.time_zone": { label: "Changed the practice's time zone", entity: "organization", detail: timeZone },
  "settings.sso_save": { label: "Saved the practice's single sign-on", entity: "organization", detail: ssoSaved },
  "settings.sso_remove": { label: "Removed the practice's single sign-on", entity: "organization", detail: none },
  "settings.sso_domain_add": { label: "Added a single sign-on domain", entity: "organization", detail: domain },
  "settings.sso_domain_verify": { label: "Verified a single sign-on domain", entity: "organization", detail: verified },
  "settings.sso_domain_remove": { label: "Removed a single sign-on domain", entity: "organization", detail: domain },
  "session.end": { label: "Ended a session", entity: "session", detail: none },
  "session.end_others": { label: "Ended other sessions", entity: "user", detail: ended },
  "session.switch_org": { label: "Switched practice", entity: "organization", detail: none },
  "smart.app_register": {
    label: "Registered an app",
    entity: "smart_app",
    detail: scopes.extend({ confidential: z.boolean(), redirectUris: z.number() }),
  },
  "smart.app_disable": { label: "Turned an app off", entity: "smart_app", detail: ended },
  "smart.authorize": { label: "Allowed an app access", entity: "smart_app", detail: scopes },
  "smart.deny": { label: "Denied an app access", entity: "smart_app", detail: none },
  // Written by the token endpoint's functions (drizzle/0027_smart_apps.sql).
  "smart.token": {
    label: "An app received tokens",
    entity: "smart_app",
    detail: scopes.extend({ grant: smartGrant, sessionId: z.uuid() }),
  },
  "smart.token_refused": {
    label: "An app was refused tokens",
    entity: "smart_app",
    detail: z.object({ grant: smartGrant, reason: z.string() }),
  },
  "smart.revoke": {
    label: "An app gave up its access",
    entity: "smart_app",
    detail: z.object({ sessionId: z.uuid() }),
  },
  "fhir.read": { label: "Read through the FHIR API", access: true, entity: "fhir_resource", detail: fhirRead },
  "fhir.search": { label: "Searched through the FHIR API", access: true, entity: "fhir_resource", detail: fhirSearch },
  "job.reminders": { label: "Recorded appointment reminders", entity: "appointment_reminder", detail: reminders },
} as const satisfies Record<string, { label: string; access?: true; entity: AuditEntity; detail: z.ZodType }>;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

/** The names in catalogue order, as a tuple zod's `z.enum` accepts. */
export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTIONS) as [AuditAction, ...AuditAction[]];

export type AccessAction = {
  [A in AuditAction]: (typeof AUDIT_ACTIONS)[A] extends { access: true } ? A : never;
}[AuditAction];

/** The actions that are accesses to patient data. */
export const ACCESS_ACTIONS = AUDIT_ACTION_NAMES.filter((a): a is AccessAction => "access" in AUDIT_ACTIONS[a]);

const isAuditAction = (action: string): action is AuditAction => Object.hasOwn(AUDIT_ACTIONS, action);

/** The plain-language label; an action recorded before the catalogue knew it shows as itself. */
export const auditActionLabel = (action: string): string =>
  isAuditAction(action) ? AUDIT_ACTIONS[action].label : action;

const SIGN_IN_METHODS: Record<string, string> = {
  password: "password",
  totp: "password and authenticator code",
  recovery_code: "password and recovery code",
  sso: "the practice's own sign-in (SSO)",
};

/** How a sign-in was proven, in words, from its audit detail (`method`); null when it says nothing. */
export function signInMethodLabel(detail: unknown): string | null {
  const method = (detail as { method?: unknown } | null)?.method;
  return typeof method === "string" ? (SIGN_IN_METHODS[method] ?? null) : null;
}
