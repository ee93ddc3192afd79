import { eq, inArray } from "drizzle-orm";
import type { Tx } from "@/server/db/client";
import { accessGrants, appointments, coverage, invitations, organizations, users } from "@/server/db/schema";
import { emptyAuditNames, referencedUserIds, type AuditEventFacts, type AuditNames } from "./describe";

const idsOf = (events: AuditEventFacts[], entity: string) => [
  ...new Set(events.filter((e) => e.entity === entity && e.entityId).map((e) => e.entityId!)),
];

/** The rows with these ids: none asked, no query. */
const withIds = async <T>(ids: string[], read: (ids: string[]) => PromiseLike<T[]>): Promise<T[]> =>
  ids.length ? await read(ids) : [];

/**
 * The names a page of audit rows refers to, read in the request's transaction: the reader's
 * policies decide, so a row the admin may not see (another practice's, or one since deleted) stays
 * unnamed rather than guessed. Clinical notes are never read: an admin does not read their content.
 */
export async function auditNames(tx: Tx, orgId: string, events: AuditEventFacts[]): Promise<AuditNames> {
  const names = emptyAuditNames();
  if (events.length === 0) return names;
  const grants = await withIds(idsOf(events, "access_grant"), (ids) =>
    tx
      .select({
        id: accessGrants.id,
        clinicianId: accessGrants.clinicianId,
        reason: accessGrants.reason,
        revokedBy: accessGrants.revokedBy,
      })
      .from(accessGrants)
      .where(inArray(accessGrants.id, ids)),
  );
  for (const g of grants) names.grants.set(g.id, g);
  const covers = await withIds(idsOf(events, "coverage"), (ids) =>
    tx
      .select({ id: coverage.id, coveringId: coverage.coveringId, coveredId: coverage.coveredId })
      .from(coverage)
      .where(inArray(coverage.id, ids)),
  );
  for (const c of covers) names.coverage.set(c.id, c);
  const visits = await withIds(idsOf(events, "appointment"), (ids) =>
    tx
      .select({ id: appointments.id, startsAt: appointments.startsAt, clinicianId: appointments.clinicianId })
      .from(appointments)
      .where(inArray(appointments.id, ids)),
  );
  for (const a of visits) names.appointments.set(a.id, a);
  const invited = await withIds(idsOf(events, "invitation"), (ids) =>
    tx
      .select({ id: invitations.id, name: invitations.name, email: invitations.email })
      .from(invitations)
      .where(inArray(invitations.id, ids)),
  );
  for (const i of invited) names.invitations.set(i.id, i);

  const userIds = new Set(events.flatMap(referencedUserIds));
  for (const g of grants) {
    userIds.add(g.clinicianId);
    if (g.revokedBy) userIds.add(g.revokedBy);
  }
  for (const c of covers) userIds.add(c.coveringId).add(c.coveredId);
  for (const a of visits) userIds.add(a.clinicianId);
  const people = await withIds([...userIds], (ids) =>
    tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids)),
  );
  for (const u of people) names.users.set(u.id, u.name);
  if (events.some((e) => e.entity === "organization")) {
    const [org] = await tx.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, orgId));
    names.practice = org?.name ?? null;
  }
  return names;
}
