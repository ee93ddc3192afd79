/**
 * The audit action catalogue: every action recorded in `audit_events.action` today, with the
 * plain-language label the audit log, its CSV and the access report show. (The server restructure
 * owns the final version of this file; this one has the same export shape.)
 */
export const AUDIT_ACTIONS = {
  "auth.sign_in": "Signed in",
  "auth.sign_out": "Signed out",
  "auth.password_change": "Changed their password",
  "auth.password_change_failed": "Password change refused (wrong current password)",
  "auth.password_reset_request": "Asked for a password reset link",
  "auth.password_reset": "Reset their password from an emailed link",
  "session.end": "Signed out one of their sessions",
  "session.end_others": "Signed out all their other sessions",
  "session.switch_org": "Switched practice",
  "member.invite": "Invited a member",
  "member.invite_resend": "Resent an invitation",
  "member.invite_revoke": "Revoked an invitation",
  "member.invite_accept": "Accepted an invitation",
  "member.role": "Changed a member's role",
  "member.suspend": "Suspended a member",
  "member.reactivate": "Reactivated a member",
  "member.sign_out_everywhere": "Signed a member out everywhere",
  "patient.list": "Shown on a patient list page",
  "patient.view": "Opened the chart",
  "patient.create": "Registered a patient",
  "patient.update": "Changed demographics",
  "patient.archive": "Archived a patient",
  "patient.restore": "Restored a patient",
  "care_team.assign": "Added to a care team",
  "care_team.unassign": "Removed from a care team",
  "appointment.list": "Read the appointments",
  "appointment.create": "Booked an appointment",
  "appointment.cancel": "Cancelled an appointment",
  "appointment.double_book": "Double-booked a clinician (admin)",
  "appointment.today": "Opened their visits of the day",
  "note.list": "Read the notes",
  "note.drafts": "Listed their unsigned drafts",
  "note.create": "Wrote a note",
  "note.update": "Edited a draft note",
  "note.sign": "Signed a note",
  "note.addendum": "Added an addendum",
  "note.entered_in_error": "Marked a note entered in error",
  "coverage.preview": "Previewed a cover",
  "coverage.create": "Arranged cover",
  "coverage.end": "Ended a cover",
  "directory.search": "Searched the practice directory",
  "break_glass.request": "Requested emergency access",
  "break_glass.review": "Reviewed an emergency access",
  "access.explain": "Checked who can see a patient",
  "access.report": "Viewed a patient's access report",
  "job.reminders": "Recorded appointment reminders",
  "practice.time_zone": "Changed the practice's time zone",
} as const satisfies Record<string, string>;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

/** The plain-language label of an action; an unknown code (an older row) is shown as recorded. */
export function auditActionLabel(action: string): string {
  return (AUDIT_ACTIONS as Record<string, string>)[action] ?? action;
}
