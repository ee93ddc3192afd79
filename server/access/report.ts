import { eq, sql } from "drizzle-orm";
import type { z } from "zod";
import type { accessReportInput } from "@/lib/schemas/access";
import { formatDateTime, formatTime, isoDay, serverTimeZone } from "@/lib/time";
import { auditActionLabel } from "@/server/audit/actions";
import { LIST_ACTIONS } from "@/server/audit/describe";
import { audit } from "@/server/audit/record";
import type { Tx } from "@/server/db/client";
import { organizations, patients, users, type AccessBasis } from "@/server/db/schema";
import { AppError } from "@/server/errors";
import type { MemberCtx } from "@/server/request";

export const REPORT_MAX_ROWS = 5000;

export interface AccessRow {
  id: number;
  at: Date;
  actorId: string;
  actorName: string | null;
  role: string | null;
  action: string;
  what: string;
  basis: AccessBasis | null;
  /** How many recorded accesses this line stands for: list-page views are summarised (summariseAccess). */
  count: number;
  /** The last of them, when there is more than one. */
  until: Date | null;
  emergency: {
    reason: string;
    grantedAt: Date;
    reviewedAt: Date | null;
    reviewerName: string | null;
    comment: string | null;
    /** Ended before it ran out: by the clinician themself, or revoked by an admin. */
    ended: { at: Date; by: "clinician" | "admin"; name: string | null } | null;
  } | null;
}

export const BASIS_LABEL: Record<AccessBasis, string> = {
  care_team: "care team",
  coverage: "coverage",
  break_glass: "emergency access",
  admin: "practice admin",
};

/**
 * Every access to one patient in [from, to] (whole days in the practice's time zone, as the audit
 * log's filter), from audit_events as the admin's
 * policies return them: rows about the patient, and list pages that showed the patient. The basis
 * is the one the audit trigger recorded at the time (for list pages, per id in detail.bases).
 * Emergency accesses carry the grant that was in force and its review.
 */
export async function accessReport(tx: Tx, patientId: string, from: string, to: string): Promise<AccessRow[]> {
  // The practice's zone (the server's until one is chosen), as listAuditEvents reads it.
  const tz = sql`coalesce((select o.time_zone from organizations o where o.id = app_org_id()), ${serverTimeZone()})`;
  const rows = await tx.execute<{
    id: number;
    at: string;
    actor_id: string;
    actor_name: string | null;
    role: string | null;
    action: string;
    basis: AccessBasis | null;
    g_reason: string | null;
    g_granted_at: string | null;
    g_reviewed_at: string | null;
    g_reviewer: string | null;
    g_comment: string | null;
    g_revoked_at: string | null;
    g_revoked_by: string | null;
    g_clinician_id: string | null;
    g_revoker: string | null;
  }>(sql`
    select e.id, e.at, e.actor_id, u.name as actor_name, m.role::text as role, e.action,
           coalesce(e.basis, e.detail -> 'bases' ->> ${patientId}) as basis,
           g.reason as g_reason, g.granted_at as g_granted_at, g.reviewed_at as g_reviewed_at, r.name as g_reviewer, g.review_comment as g_comment,
           g.revoked_at as g_revoked_at, g.revoked_by as g_revoked_by, g.clinician_id as g_clinician_id, x.name as g_revoker
      from audit_events e
      left join users u on u.id = e.actor_id
      left join memberships m on m.user_id = e.actor_id and m.org_id = e.org_id
      left join lateral (
        select * from access_grants g
         where coalesce(e.basis, e.detail -> 'bases' ->> ${patientId}) = 'break_glass'
           and g.clinician_id = e.actor_id and g.patient_id = ${patientId}
           and g.granted_at <= e.at and g.expires_at >= e.at
         order by g.granted_at desc limit 1) g on true
      left join users r on r.id = g.reviewed_by
      left join users x on x.id = g.revoked_by
     where (e.patient_id = ${patientId} or (e.patient_id is null and e.detail -> 'patientIds' @> jsonb_build_array(${patientId}::text)))
       and e.at >= (${from}::date)::timestamp at time zone ${tz} and e.at < (${to}::date + 1)::timestamp at time zone ${tz}
     order by e.at, e.id
     limit ${REPORT_MAX_ROWS}`);
  return rows.map((r) => ({
    id: Number(r.id),
    at: new Date(r.at),
    actorId: r.actor_id,
    actorName: r.actor_name,
    role: r.role,
    action: r.action,
    what: auditActionLabel(r.action),
    basis: r.basis,
    count: 1,
    until: null,
    emergency: r.g_reason
      ? {
          reason: r.g_reason,
          grantedAt: new Date(r.g_granted_at!),
          reviewedAt: r.g_reviewed_at ? new Date(r.g_reviewed_at) : null,
          reviewerName: r.g_reviewer,
          comment: r.g_comment,
          ended:
            r.g_revoked_at && r.g_revoked_by
              ? {
                  at: new Date(r.g_revoked_at),
                  by: r.g_revoked_by === r.g_clinician_id ? ("clinician" as const) : ("admin" as const),
                  name: r.g_revoker,
                }
              : null,
        }
      : null,
  }));
}

/**
 * List-page views (a patient list, today's visits, a directory search: one audit row per page)
 * folded into one line per run: the same member, page kind and basis on the same day in `tz`, with no
 * other access by that member in between. "Shown on a patient list page, 7 times between 14:02 and
 * 14:09 CET" reads as one fact; seven rows of it hide the chart openings around them.
 */
export function summariseAccess(rows: AccessRow[], tz: string): AccessRow[] {
  const out: AccessRow[] = [];
  const open = new Map<string, AccessRow>(); // actor → their current run
  for (const r of rows) {
    const run = open.get(r.actorId);
    const same =
      run &&
      LIST_ACTIONS.has(r.action) &&
      run.action === r.action &&
      run.basis === r.basis &&
      isoDay(run.at, tz) === isoDay(r.at, tz);
    if (same) {
      run.count += 1;
      run.until = r.at;
      continue;
    }
    const line = { ...r };
    out.push(line);
    if (LIST_ACTIONS.has(r.action)) open.set(r.actorId, line);
    else open.delete(r.actorId);
  }
  for (const line of out) {
    if (line.count < 2 || !line.until) continue;
    const [first, last] = [formatTime(line.at, tz), formatTime(line.until, tz)];
    line.what =
      first === last
        ? `${line.what}, ${line.count} times at ${last}`
        : `${line.what}, ${line.count} times between ${first.split(" ")[0]} and ${last}`;
  }
  return out;
}

/** An emergency access's end in words: "Ended early by the clinician …" or "Revoked by an admin (…) …". */
export function emergencyEndWords(ended: NonNullable<AccessRow["emergency"]>["ended"], tz: string): string | null {
  if (!ended) return null;
  const when = formatDateTime(ended.at, tz);
  return ended.by === "clinician"
    ? `Ended early by the clinician ${when}`
    : `Revoked by an admin (${ended.name ?? "a former member"}) ${when}`;
}

/** Every recorded access to one patient in a date range, with the report's header; audited. */
export async function patientAccessReport(ctx: MemberCtx, input: z.infer<typeof accessReportInput>) {
  const [patient] = await ctx.tx
    .select({
      id: patients.id,
      givenName: patients.givenName,
      familyName: patients.familyName,
      mrn: patients.mrn,
      birthDate: patients.birthDate,
    })
    .from(patients)
    .where(eq(patients.id, input.patientId));
  if (!patient) throw new AppError("NOT_FOUND", "Patient not found.");
  const recorded = await accessReport(ctx.tx, input.patientId, input.from, input.to);
  const [org] = await ctx.tx
    .select({ name: organizations.name, timeZone: organizations.timeZone })
    .from(organizations)
    .where(eq(organizations.id, ctx.orgId));
  const timeZone = org?.timeZone ?? serverTimeZone();
  const rows = summariseAccess(recorded, timeZone);
  const [me] = await ctx.tx.select({ name: users.name }).from(users).where(eq(users.id, ctx.userId));
  await audit(ctx, {
    action: "access.report",
    entityId: patient.id,
    patientId: patient.id,
    detail: { from: input.from, to: input.to, rows: recorded.length },
  });
  return {
    patient: { ...patient, name: `${patient.givenName} ${patient.familyName}` },
    practice: org?.name ?? "",
    generatedBy: me?.name ?? "",
    generatedAt: new Date(),
    timeZone,
    accesses: recorded.length,
    from: input.from,
    to: input.to,
    rows,
  };
}
