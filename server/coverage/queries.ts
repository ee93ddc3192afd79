import { AppError } from "@/server/errors";
import { and, desc, eq, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { columnsOf } from "@/server/db/columns";
import type { Tx } from "@/server/db/client";
import { assumeMember, rolledBack } from "@/server/db/context";
import { coverage, memberships, users } from "@/server/db/schema";
import { activeClinicianHere } from "@/server/members/memberships";

export interface CoverageRequest {
  orgId: string;
  coveringId: string;
  coveredId: string;
  endsAt: Date;
  reason: string;
  createdBy: string;
}

/** Active clinicians of the current practice (colleagues' names are visible within it). */
export function clinicians(tx: Tx) {
  return tx
    .select({ id: users.id, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(activeClinicianHere())
    .orderBy(users.name);
}

export async function insertCoverage(tx: Tx, r: CoverageRequest) {
  const [row] = await tx
    .insert(coverage)
    .values({
      orgId: r.orgId,
      coveringId: r.coveringId,
      coveredId: r.coveredId,
      reason: r.reason,
      endsAt: r.endsAt,
      createdBy: r.createdBy,
      startsAt: sql`now()` as unknown as Date,
    })
    .returning();
  return row;
}

const visibleIds = async (tx: Tx) =>
  (await tx.execute<{ id: string }>(sql`select app_visible_patient_ids() as id`)).map((r) => r.id);

/**
 * The access difference a coverage would make, computed by the database, never by re-implementing
 * the rule, inside a savepoint that is always rolled back: the coverage row is inserted as the
 * caller (so the same policies that guard saving guard the preview) and the covering clinician's
 * visible patients are read before and after. Reading as the covering clinician is an admin's
 * view (app_context_assume). A clinician handing over their own panel learns only how many of their
 * own patients are not yet on the colleague's care team, never the size of the colleague's panel.
 */
export async function previewCoverage(tx: Tx, admin: boolean, r: CoverageRequest) {
  return rolledBack(tx, async (sp) => {
    if (!admin) {
      await insertCoverage(sp, r);
      const [mine] = await sp.execute<{ n: number }>(
        sql`select count(distinct ct.patient_id)::int as n from care_team ct
            where ct.clinician_id = app_user_id() and ct.patient_id = any (array(select app_visible_patient_ids()))
              and not exists (select 1 from care_team c2 where c2.patient_id = ct.patient_id and c2.clinician_id = ${r.coveringId})`,
      );
      return { added: mine?.n ?? 0, total: null };
    }
    const before = new Set(await rolledBack(sp, (as) => assumeMember(as, r.coveringId).then(() => visibleIds(as))));
    await insertCoverage(sp, r);
    const after = await rolledBack(sp, (as) => assumeMember(as, r.coveringId).then(() => visibleIds(as)));
    return { added: after.filter((id) => !before.has(id)).length, total: after.length };
  });
}

const covering = alias(users, "covering_user");
const covered = alias(users, "covered_user");

/** Coverage the caller may see (their own as either party; an admin the practice's), newest first. */
export function listCoverage(tx: Tx, me: string, admin: boolean) {
  return tx
    .select({
      ...columnsOf(coverage, "id", "coveringId", "coveredId", "reason", "startsAt", "endsAt", "endedAt"),
      coveringName: covering.name,
      coveredName: covered.name,
      active: sql<boolean>`app_cover_active(${coverage})`,
    })
    .from(coverage)
    .leftJoin(covering, eq(covering.id, coverage.coveringId))
    .leftJoin(covered, eq(covered.id, coverage.coveredId))
    .where(admin ? undefined : or(eq(coverage.coveringId, me), eq(coverage.coveredId, me)))
    .orderBy(desc(coverage.createdAt))
    .limit(100);
}

/** Ends a coverage now, in the caller's name (the trigger stamps the time and refuses a second end). */
export async function endCoverage(tx: Tx, id: string, me: string) {
  const [row] = await tx
    .update(coverage)
    .set({ endedAt: sql`now()` as unknown as Date, endedBy: me })
    .where(and(eq(coverage.id, id), sql`${coverage.endedAt} is null`, sql`${coverage.endsAt} > now()`))
    .returning();
  if (!row) throw new AppError("NOT_FOUND", "No running coverage with that id.");
  return row;
}
