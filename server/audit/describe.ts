import { formatDateTime } from "@/lib/time";
import { AUDIT_ACTIONS, AUDIT_ENTITY_LABELS, auditActionLabel, signInMethodLabel, type AuditEntity } from "./actions";

/** The names an audit page refers to, as the reader's policies return them (server/audit/names.ts). */
export interface AuditNames {
  users: Map<string, string>;
  grants: Map<string, { clinicianId: string; reason: string; revokedBy: string | null }>;
  invitations: Map<string, { name: string; email: string }>;
  coverage: Map<string, { coveringId: string; coveredId: string }>;
  appointments: Map<string, { startsAt: Date; clinicianId: string }>;
  practice: string | null;
}

export const emptyAuditNames = (): AuditNames => ({
  users: new Map(),
  grants: new Map(),
  invitations: new Map(),
  coverage: new Map(),
  appointments: new Map(),
  practice: null,
});

export interface AuditEventFacts {
  action: string;
  entity: string;
  entityId: string | null;
  patientId: string | null;
  detail: unknown;
}

/** One audit row in words: no codes, no ids. */
export interface AuditEventWords {
  action: string;
  entity: string;
  details: string;
  emergencyReason: string | null;
}

// Where an action's detail names a member, by key.
const MEMBER_KEYS = ["clinicianId", "coveringId", "coveredId", "memberId"] as const;

/** Every user id an event refers to (entity and detail), for the name lookup. */
export function referencedUserIds(e: AuditEventFacts): string[] {
  const out: string[] = [];
  if (e.entityId && ["membership", "user", "care_team"].includes(e.entity)) out.push(e.entityId);
  const d = record(e.detail);
  for (const k of MEMBER_KEYS) if (typeof d[k] === "string") out.push(d[k] as string);
  return out;
}

const PATIENT_FIELDS: Record<string, string> = {
  givenName: "given name",
  familyName: "family name",
  birthDate: "birth date",
  mrn: "MRN",
};

/** "phone, birth date": a camelCase field name as words. */
export function fieldWords(field: string): string {
  return PATIENT_FIELDS[field] ?? field.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

const record = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" ? (v as Record<string, unknown>) : {};
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const ROLE: Record<string, string> = { admin: "admin", clinician: "clinician" };
const MFA_POLICY: Record<string, string> = {
  off: "nobody required",
  admins: "required for admins",
  everyone: "required for everyone",
};

// Why the token endpoint refused an app (drizzle/0027_smart_apps.sql), in words.
const SMART_REFUSALS: Record<string, string> = {
  client: "The app did not prove who it is",
  code_reused: "An authorization code used twice: the access it gave was ended",
  code_expired: "An authorization code used too late",
  redirect_uri: "An authorization code with another return address",
  pkce: "An authorization code without its PKCE proof",
  session_ended: "The member's access had ended",
  refresh_reused: "A refresh token used twice: the app's access was ended",
  refresh_expired: "A refresh token used too late",
  scope_escalation: "A refresh asking for more than was allowed",
};

/**
 * An audit row as a practice manager reads it: the catalogue's label, what it was about (with names
 * from `names`), and its detail in words. Times are in `tz`, with the zone.
 */
export function describeAuditEvent(e: AuditEventFacts, names: AuditNames, tz: string): AuditEventWords {
  const d = record(e.detail);
  const who = (id: unknown) => (typeof id === "string" ? (names.users.get(id) ?? "a former member") : "someone");
  const count = (key: string) => (Array.isArray(d[key]) ? (d[key] as unknown[]).length : 0);
  const grant = e.entity === "access_grant" && e.entityId ? names.grants.get(e.entityId) : undefined;

  let action = auditActionLabel(e.action);
  const method = e.action === "auth.sign_in" ? signInMethodLabel(e.detail) : null;
  if (method) action += ` with ${method}`;

  const entity = entityWords(e, names, tz, grant, count, who);
  const details: string[] = [];
  switch (e.action) {
    case "patient.import_preview":
      details.push(
        `${plural(Number(d.rows) || 0, "row")} from ${d.format === "fhir" ? "a FHIR Bundle" : "a CSV file"}, ${Number(d.ready) || 0} ready to import, ${plural(count("patientIds"), "possible duplicate")} shown`,
      );
      break;
    case "patient.import":
      details.push(`Row ${String(d.line)} of the file`);
      if (d.mrnGenerated === true) details.push("MRN generated");
      break;
    case "patient.import_batch":
      details.push(`${Number(d.created) || 0} created, ${Number(d.skipped) || 0} skipped`);
      if (typeof d.clinicianId === "string") details.push(`Put on the care team of ${who(d.clinicianId)}`);
      break;
    case "practice.export":
      details.push(`${plural(Number(d.count) || 0, `${String(d.resourceType)} resource`)} in one page of the download`);
      break;
    case "patient.update":
      if (Array.isArray(d.fields)) details.push(`Changed: ${(d.fields as string[]).map(fieldWords).join(", ")}`);
      break;
    case "note.update":
    case "note.sign":
      if (typeof d.version === "number") details.push(`Version ${d.version}`);
      break;
    case "note.list":
    case "note.drafts":
      details.push(count("noteIds") ? `${plural(count("noteIds"), "note")} shown` : "No notes shown");
      break;
    case "appointment.create":
    case "appointment.double_book":
      details.push(`With ${who(d.clinicianId)}`);
      if (typeof d.visitType === "string" && d.visitType) details.push(`Visit type: ${d.visitType}`);
      if (d.doubleBooked === true) details.push("Double-booked on purpose");
      break;
    case "appointment.cancel":
      if (typeof d.reason === "string" && d.reason) details.push(`Reason: ${d.reason}`);
      break;
    case "coverage.preview":
      details.push(
        `${who(d.coveringId)} to cover ${who(d.coveredId)}, ${plural(Number(d.added) || 0, "patient")} added`,
      );
      break;
    case "coverage.create":
      details.push(`${who(d.coveringId)} covers ${who(d.coveredId)}`);
      if (typeof d.endsAt === "string" && !Number.isNaN(Date.parse(d.endsAt)))
        details.push(`Until ${formatDateTime(new Date(d.endsAt), tz)}`);
      break;
    case "coverage.end":
      details.push(`${who(d.coveringId)} no longer covers ${who(d.coveredId)}`);
      break;
    case "directory.search":
      details.push(`Searched for “${String(d.search ?? "")}”, ${plural(Number(d.results) || 0, "result")}`);
      break;
    case "break_glass.revoke":
      details.push(`Access of ${who(d.clinicianId ?? grant?.clinicianId)} ended by ${who(grant?.revokedBy)}`);
      break;
    case "break_glass.end":
      details.push(`Ended early by ${who(grant?.clinicianId)} before it ran out`);
      break;
    case "access.explain":
      details.push(`Checked for ${who(d.memberId)}: ${d.canSee ? "can see the record" : "cannot see the record"}`);
      break;
    case "access.report":
      details.push(`${String(d.from)} to ${String(d.to)}, ${plural(Number(d.rows) || 0, "access", "accesses")}`);
      break;
    case "member.invite":
    case "member.invite_accept":
    case "member.role":
      if (typeof d.role === "string") details.push(`Role: ${ROLE[d.role] ?? d.role}`);
      if (d.via === "sso") details.push("Through the practice's single sign-on");
      break;
    case "member.sign_out_everywhere":
    case "auth.password_change":
    case "session.end_others":
      details.push(`${plural(Number(d.endedSessions) || 0, "session")} ended`);
      break;
    case "auth.mfa_reset":
      details.push(
        d.by === "admin" ? "Reset by an admin" : d.with === "recovery_code" ? "With a recovery code" : "By the member",
      );
      break;
    case "auth.sso_link":
    case "auth.sso_unlink":
    case "settings.sso_save":
      if (typeof d.issuer === "string") details.push(`Provider: ${d.issuer}`);
      if (d.secretChanged === true) details.push("Client secret changed");
      break;
    case "settings.mfa_policy":
      if (typeof d.policy === "string") details.push(`Two-factor sign-in ${MFA_POLICY[d.policy] ?? d.policy}`);
      break;
    case "practice.time_zone":
      if (typeof d.timeZone === "string") details.push(`Time zone: ${d.timeZone}`);
      break;
    case "settings.sso_domain_add":
    case "settings.sso_domain_verify":
    case "settings.sso_domain_remove":
      if (typeof d.domain === "string") details.push(`Domain: ${d.domain}`);
      if (d.by === "dns") details.push("Proven by DNS");
      if (d.by === "operator") details.push("Verified by the operator");
      break;
    case "fhir.search":
      details.push(
        Array.isArray(d.parameters) && d.parameters.length
          ? `Parameters: ${(d.parameters as string[]).join(", ")}`
          : "No parameters",
      );
      details.push(plural(Number(d.results) || 0, "result"));
      if (typeof d.app === "string") details.push(`App: ${d.app}`);
      break;
    case "fhir.read":
      if (typeof d.app === "string") details.push(`App: ${d.app}`);
      break;
    case "job.reminders":
      details.push(`${plural(Number(d.recorded) || 0, "reminder")} recorded`);
      break;
    case "smart.app_register":
    case "smart.authorize":
    case "smart.token":
      if (Array.isArray(d.scopes)) details.push(`Scopes: ${(d.scopes as string[]).join(" ")}`);
      if (d.grant === "refresh_token") details.push("By refresh");
      if (d.confidential === true) details.push("Confidential app");
      break;
    case "smart.app_disable":
      details.push(`${plural(Number(d.endedSessions) || 0, "access", "accesses")} ended`);
      break;
    case "smart.token_refused":
      details.push(SMART_REFUSALS[String(d.reason)] ?? String(d.reason ?? ""));
      break;
  }
  const emergencyReason = grant?.reason ?? null;
  if (emergencyReason && e.action === "break_glass.request") details.unshift(`Reason: ${emergencyReason}`);
  return { action, entity, details: details.join(" · "), emergencyReason };
}

function entityWords(
  e: AuditEventFacts,
  names: AuditNames,
  tz: string,
  grant: { clinicianId: string } | undefined,
  count: (key: string) => number,
  who: (id: unknown) => string,
): string {
  const base = AUDIT_ENTITY_LABELS[e.entity as AuditEntity] ?? "Record";
  const id = e.entityId;
  switch (e.entity as AuditEntity) {
    case "patient":
      if (e.action === "patient.list" || e.action === "directory.search")
        return `Patient list (${plural(count("patientIds"), "patient")})`;
      if (e.action === "patient.import_preview") return "Roster import preview";
      return base;
    case "appointment": {
      if (e.action === "appointment.today") return `Today's visits (${plural(count("patientIds"), "patient")})`;
      const a = id ? names.appointments.get(id) : undefined;
      return a ? `Appointment on ${formatDateTime(a.startsAt, tz)} with ${who(a.clinicianId)}` : base;
    }
    case "care_team":
      return id ? `Care team of ${who(id)}` : base;
    case "coverage": {
      const c = id ? names.coverage.get(id) : undefined;
      return c ? `Cover of ${who(c.coveredId)} by ${who(c.coveringId)}` : base;
    }
    case "access_grant":
      return grant ? `Emergency access of ${who(grant.clinicianId)}` : base;
    case "invitation": {
      const i = id ? names.invitations.get(id) : undefined;
      return i ? `Invitation for ${i.name} (${i.email})` : base;
    }
    case "membership":
      return id ? `Membership of ${who(id)}` : base;
    case "user":
      return id ? `Account of ${who(id)}` : base;
    case "organization":
      return names.practice ? `Practice: ${names.practice}` : base;
    case "fhir_resource": {
      const type = typeof record(e.detail).resourceType === "string" ? String(record(e.detail).resourceType) : "";
      if (e.action === "fhir.search") return `FHIR ${type} search (${plural(count("patientIds"), "patient")})`;
      return `FHIR ${type}`;
    }
    default:
      return base;
  }
}

/** Actions whose rows stand for a page of patients (detail.patientIds), not one record. */
export const LIST_ACTIONS = new Set<string>(
  (Object.keys(AUDIT_ACTIONS) as (keyof typeof AUDIT_ACTIONS)[]).filter((a) => {
    const shape = AUDIT_ACTIONS[a].detail;
    return "shape" in shape && "patientIds" in (shape.shape as object);
  }),
);
