import { AppError } from "@/server/errors";
import { and, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import type { explainInput } from "@/lib/schemas/access";
import { audit } from "@/server/audit/record";
import type { MemberCtx } from "@/server/request";
import type { Tx } from "@/server/db/client";
import { assumeMember, rolledBack } from "@/server/db/context";
import { memberships, patients, users } from "@/server/db/schema";

export type Rule =
  | { kind: "care_team"; since: Date }
  | { kind: "coverage"; coveredName: string | null; until: Date }
  | { kind: "break_glass"; until: Date }
  | { kind: "admin" };

export type Denial = "not_member" | "suspended" | "invited" | "archived" | "not_on_team";

export interface Explanation {
  member: { id: string; name: string | null; role: string | null; status: string | null };
  patient: { id: string; name: string; mrn: string; archived: boolean };
  /** What the patients policy answers for the member right now. */
  canSee: boolean;
  /** What the clinical policies (notes, appointments, care team) answer. */
  clinical: boolean;
  rules: Rule[];
  denial: Denial | null;
}

/**
 * Why can (or can't) this member see this patient? The admin's own policies find the member and
 * the patient; then, inside a savepoint that is always rolled back, the transaction becomes the
 * member (identity and session role exactly as a request of theirs) and asks the database: does
 * the patients policy return the row, is it in app_visible_patient_ids(), and which of their own
 * rows (care team, cover, grants) put it there. Nothing here restates the rule, so the explainer
 * and the policies cannot disagree.
 */
export async function explainAccess(tx: Tx, orgId: string, memberId: string, patientId: string): Promise<Explanation> {
  const [patient] = await tx
    .select({
      id: patients.id,
      givenName: patients.givenName,
      familyName: patients.familyName,
      mrn: patients.mrn,
      archivedAt: patients.archivedAt,
    })
    .from(patients)
    .where(eq(patients.id, patientId));
  if (!patient) throw new AppError("NOT_FOUND", "Patient not found in this practice.");
  const [member] = await tx
    .select({ name: users.name, role: memberships.role, status: memberships.status })
    .from(memberships)
    .leftJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.userId, memberId), eq(memberships.orgId, orgId)));

  // Someone with no membership here sees nothing here; the database would refuse to look as them.
  const seen = member ? await lookAs(tx, memberId, patientId) : NOT_SEEN;

  const rules: Rule[] = [];
  if (seen.clinical && seen.team_since) rules.push({ kind: "care_team", since: new Date(seen.team_since) });
  if (seen.clinical)
    for (const c of seen.cover ?? []) rules.push({ kind: "coverage", coveredName: c.name, until: new Date(c.until) });
  if (seen.clinical && seen.grant_until) rules.push({ kind: "break_glass", until: new Date(seen.grant_until) });
  if (seen.sees && seen.admin) rules.push({ kind: "admin" });

  let denial: Denial | null = null;
  if (!seen.sees) {
    denial = !member
      ? "not_member"
      : member.status === "suspended"
        ? "suspended"
        : member.status !== "active"
          ? "invited"
          : patient.archivedAt
            ? "archived"
            : "not_on_team";
  }
  return {
    member: { id: memberId, name: member?.name ?? null, role: member?.role ?? null, status: member?.status ?? null },
    patient: {
      id: patient.id,
      name: `${patient.givenName} ${patient.familyName}`,
      mrn: patient.mrn,
      archived: patient.archivedAt !== null,
    },
    canSee: seen.sees,
    clinical: seen.clinical,
    rules,
    denial,
  };
}

type Seen = {
  sees: boolean;
  clinical: boolean;
  admin: boolean;
  team_since: string | null;
  grant_until: string | null;
  cover: { name: string | null; until: string }[] | null;
};
const NOT_SEEN: Seen = { sees: false, clinical: false, admin: false, team_since: null, grant_until: null, cover: null };

/** As the member (app_context_assume: read-only, rolled back): what the policies and their rows say. */
function lookAs(tx: Tx, memberId: string, patientId: string): Promise<Seen> {
  return rolledBack(tx, async (sp) => {
    await assumeMember(sp, memberId);
    const [r] = await sp.execute<Seen>(sql`
      select exists (select 1 from patients where id = ${patientId}) as sees,
             ${patientId}::uuid = any (array(select app_visible_patient_ids())) as clinical,
             app_is_admin() as admin,
             (select min(assigned_at) from care_team where patient_id = ${patientId} and clinician_id = app_user_id()) as team_since,
             (select max(g.expires_at) from access_grants g where g.patient_id = ${patientId} and g.clinician_id = app_user_id() and app_grant_running(g)) as grant_until,
             (select json_agg(json_build_object('name', u.name, 'until', app_cover_until(c)) order by app_cover_until(c))
                from coverage c
                join care_team ct on ct.org_id = c.org_id and ct.clinician_id = c.covered_id and ct.patient_id = ${patientId}
                left join users u on u.id = c.covered_id
               where c.covering_id = app_user_id() and app_cover_active(c)) as cover`);
    return r;
  });
}

/** The database's answer for one member × patient, evaluated as that member and rolled back; audited. */
export async function explainMemberAccess(ctx: MemberCtx, input: z.infer<typeof explainInput>): Promise<Explanation> {
  const result = await explainAccess(ctx.tx, ctx.orgId, input.memberId, input.patientId);
  await audit(ctx, {
    action: "access.explain",
    entityId: input.patientId,
    patientId: input.patientId,
    detail: { memberId: input.memberId, canSee: result.canSee },
  });
  return result;
}
