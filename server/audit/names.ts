import { eq, inArray } from "drizzle-orm";
import type { Tx } from "@/server/db/client";
import { accessGrants, appointments, coverage, invitations, organizations, users } from "@/server/db/schema";
import { emptyAuditNames, referencedUserIds, type AuditEventFacts, type AuditNames } from "./describe";

const idsOf = (events: AuditEventFacts[], entity: string) => [
  ...new Set(events.filter((e) => e.entity === entity && e.entityId).map((e) => e.entityId!)),
];

/**
 * The names a page of audit rows refers to, read in the request's transaction: the reader's
 * policies decide, so a row the admin may not see (another practice's, or one since deleted) stays
 * unnamed rather than guessed. Clinical notes are never read: an admin does not read their content.
 */
export async function auditNames(tx: Tx, orgId: string, events: AuditEventFacts[]): Promise<AuditNames> {
  const names = emptyAuditNames();
  if (events.length === 0) return names;
  const grantIds = idsOf(events, "access_grant");
  const grants = grantIds.length
    ? await tx
        .select({
          id: accessGrants.id,
          clinicianId: accessGrants.clinicianId,
          reason: accessGrants.reason,
          revokedBy: accessGrants.revokedBy,
        })
        .from(accessGrants)
        .where(inArray(accessGrants.id, grantIds))
    : [];
  for (const g of grants) names.grants.set(g.id, g);
  const coverIds = idsOf(events, "coverage");
  const covers = coverIds.length
    ? await tx
        .select({ id: coverage.id, coveringId: coverage.coveringId, coveredId: coverage.coveredId })
        .from(coverage)
        .where(inArray(coverage.id, coverIds))
    : [];
  for (const c of covers) names.coverage.set(c.id, c);
  const visitIds = idsOf(events, "appointment");
  const visits = visitIds.length
    ? await tx
        .select({ id: appointments.id, startsAt: appointments.startsAt, clinicianId: appointments.clinicianId })
        .from(appointments)
        .where(inArray(appointments.id, visitIds))
    : [];
  for (const a of visits) names.appointments.set(a.id, a);
  const invitationIds = idsOf(events, "invitation");
  const invited = invitationIds.length
    ? await tx
        .select({ id: invitations.id, name: invitations.name, email: invitations.email })
        .from(invitations)
        .where(inArray(invitations.id, invitationIds))
    : [];
  for (const i of invited) names.invitations.set(i.id, i);

  const userIds = new Set(events.flatMap(referencedUserIds));
  for (const g of grants) {
    userIds.add(g.clinicianId);
    if (g.revokedBy) userIds.add(g.revokedBy);
  }
  for (const c of covers) userIds.add(c.coveringId).add(c.coveredId);
  for (const a of visits) userIds.add(a.clinicianId);
  const people = userIds.size
    ? await tx
        .select({ id: users.id, name: users.name })
        .from(users)
        .where(inArray(users.id, [...userIds]))
    : [];
  for (const u of people) names.users.set(u.id, u.name);
  if (events.some((e) => e.entity === "organization")) {
    const [org] = await tx.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, orgId));
    names.practice = org?.name ?? null;
  }
  return names;
}
