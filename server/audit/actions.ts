/**
 * Every action an audit row can record, with its label for people. `audit()`, the audit log's
 * filter and the access report all take their names from here, so a new action cannot be recorded
 * without being filterable. The SQL functions that write audit rows themselves
 * (drizzle/0010_invitations.sql) use the `member.invite_accept` and `auth.password_reset*` names.
 * `access: true` marks reads of patient data (the audit page's access chart).
 */
export const AUDIT_ACTIONS = {
  "patient.view": { label: "Opened the chart", access: true },
  "patient.list": { label: "Shown on a patient list page", access: true },
  "patient.create": { label: "Registered the patient" },
  "patient.update": { label: "Changed demographics" },
  "patient.archive": { label: "Archived the record" },
  "patient.restore": { label: "Restored the record" },
  "note.list": { label: "Read the notes", access: true },
  "note.drafts": { label: "Listed own unsigned drafts" },
  "note.create": { label: "Wrote a note" },
  "note.update": { label: "Edited a draft note" },
  "note.sign": { label: "Signed a note" },
  "note.addendum": { label: "Added an addendum" },
  "note.entered_in_error": { label: "Marked a note entered in error" },
  "appointment.list": { label: "Read the appointments", access: true },
  "appointment.create": { label: "Booked an appointment" },
  "appointment.cancel": { label: "Cancelled an appointment" },
  "appointment.double_book": { label: "Double-booked a clinician" },
  "appointment.today": { label: "Viewed today's visits", access: true },
  "care_team.assign": { label: "Added to a care team" },
  "care_team.unassign": { label: "Removed from a care team" },
  "coverage.preview": { label: "Previewed cover" },
  "coverage.create": { label: "Arranged cover" },
  "coverage.end": { label: "Ended cover" },
  "directory.search": { label: "Searched the directory" },
  "break_glass.request": { label: "Requested emergency access" },
  "break_glass.review": { label: "Reviewed emergency access" },
  "break_glass.revoke": { label: "Revoked emergency access" },
  "break_glass.end": { label: "Ended own emergency access early" },
  "access.explain": { label: "Checked who can see the record" },
  "access.report": { label: "Viewed this access report" },
  "member.invite": { label: "Invited a member" },
  "member.invite_resend": { label: "Resent an invitation" },
  "member.invite_revoke": { label: "Revoked an invitation" },
  "member.invite_accept": { label: "Accepted an invitation" },
  "member.role": { label: "Changed a member's role" },
  "member.suspend": { label: "Suspended a member" },
  "member.reactivate": { label: "Reactivated a member" },
  "member.sign_out_everywhere": { label: "Signed a member out everywhere" },
  "auth.sign_in": { label: "Signed in" },
  "auth.sign_out": { label: "Signed out" },
  "auth.password_change": { label: "Changed password" },
  "auth.password_change_failed": { label: "Failed password change" },
  "auth.password_reset_request": { label: "Requested a password reset" },
  "auth.password_reset": { label: "Reset password" },
  "auth.mfa_enroll": { label: "Set up two-factor sign-in" },
  "auth.mfa_recovery_codes_regenerate": { label: "Made new recovery codes" },
  "auth.mfa_reset": { label: "Reset a member's two-factor sign-in" },
  "auth.sso_link": { label: "Linked the practice's sign-in to an account" },
  "auth.sso_unlink": { label: "Unlinked a practice's sign-in from an account" },
  "settings.mfa_policy": { label: "Changed the two-factor policy" },
  "practice.time_zone": { label: "Changed the practice's time zone" },
  "settings.sso_save": { label: "Saved the practice's single sign-on" },
  "settings.sso_remove": { label: "Removed the practice's single sign-on" },
  "settings.sso_domain_add": { label: "Added a single sign-on domain" },
  "settings.sso_domain_verify": { label: "Verified a single sign-on domain" },
  "settings.sso_domain_remove": { label: "Removed a single sign-on domain" },
  "session.end": { label: "Ended a session" },
  "session.end_others": { label: "Ended other sessions" },
  "session.switch_org": { label: "Switched practice" },
  "job.reminders": { label: "Recorded appointment reminders" },
} as const satisfies Record<string, { label: string; access?: true }>;

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
