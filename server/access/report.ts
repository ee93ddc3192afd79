import { eq, sql } from "drizzle-orm";
import type { z } from "zod";
import type { accessReportInput } from "@/lib/schemas/access";
import { serverTimeZone } from "@/lib/time";
import { auditActionLabel } from "@/server/audit/actions";
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
  emergency: {
    reason: string;
    grantedAt: Date;
    reviewedAt: Date | null;
    reviewerName: string | null;
    comment: string | null;
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
  }>(sql`
    select e.id, e.at, e.actor_id, u.name as actor_name, m.role::text as role, e.action,
           coalesce(e.basis, e.detail -> 'bases' ->> ${patientId}) as basis,
           g.reason as g_reason, g.granted_at as g_granted_at, g.reviewed_at as g_reviewed_at, r.name as g_reviewer, g.review_comment as g_comment
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
    emergency: r.g_reason
      ? {
          reason: r.g_reason,
          grantedAt: new Date(r.g_granted_at!),
          reviewedAt: r.g_reviewed_at ? new Date(r.g_reviewed_at) : null,
          reviewerName: r.g_reviewer,
          comment: r.g_comment,
        }
      : null,
  }));
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
  const rows = await accessReport(ctx.tx, input.patientId, input.from, input.to);
  const [org] = await ctx.tx
    .select({ name: organizations.name })
    .from(organizations)
    .where(eq(organizations.id, ctx.orgId));
  const [me] = await ctx.tx.select({ name: users.name }).from(users).where(eq(users.id, ctx.userId));
  await audit(ctx, {
    action: "access.report",
    entityId: patient.id,
    patientId: patient.id,
    detail: { from: input.from, to: input.to, rows: rows.length },
  });
  return {
    patient: { ...patient, name: `${patient.givenName} ${patient.familyName}` },
    practice: org?.name ?? "",
    generatedBy: me?.name ?? "",
    generatedAt: new Date(),
    from: input.from,
    to: input.to,
    rows,
  };
}
