import { AppError } from "@/server/errors";
import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { Tx } from "@/server/db/client";
import { columnsOf, patientLabel } from "@/server/db/columns";
import { decodeCursor, takePage } from "@/server/db/pagination";
import { accessGrants, patients, users } from "@/server/db/schema";

const grantee = alias(users, "grantee");
const reviewer = alias(users, "reviewer");
const revoker = alias(users, "revoker");

const cursorSchema = z.object({ at: z.string(), id: z.uuid() });

/**
 * Every emergency grant of the practice, newest first, keyset on (granted_at, id): who, which
 * patient, why, its window, its revocation and its review. The policies show an admin their own
 * practice's grants only (and a clinician only their own, though only admins call this).
 */
export async function grantHistory(tx: Tx, input: { cursor?: string | null; limit: number }) {
  const where: SQL[] = [];
  if (input.cursor) {
    const c = decodeCursor(input.cursor, cursorSchema);
    where.push(sql`(${accessGrants.grantedAt}, ${accessGrants.id}) < (${c.at}::timestamptz, ${c.id}::uuid)`);
  }
  const rows = await tx
    .select({
      clinicianName: grantee.name,
      own: sql<boolean>`${accessGrants.clinicianId} = app_user_id()`,
      ...patientLabel,
      grantedAtText: sql<string>`${accessGrants.grantedAt}::text`,
      revokedByName: revoker.name,
      reviewerName: reviewer.name,
      active: sql<boolean>`app_grant_running(${accessGrants})`,
      ...columnsOf(
        accessGrants,
        "id",
        "clinicianId",
        "patientId",
        "reason",
        "grantedAt",
        "expiresAt",
        "revokedAt",
        "reviewedAt",
        "reviewComment",
      ),
    })
    .from(accessGrants)
    .leftJoin(grantee, eq(grantee.id, accessGrants.clinicianId))
    .leftJoin(reviewer, eq(reviewer.id, accessGrants.reviewedBy))
    .leftJoin(revoker, eq(revoker.id, accessGrants.revokedBy))
    .leftJoin(patients, and(eq(patients.orgId, accessGrants.orgId), eq(patients.id, accessGrants.patientId)))
    .where(and(...where))
    .orderBy(desc(accessGrants.grantedAt), desc(accessGrants.id))
    .limit(input.limit + 1);
  const { page, nextCursor } = takePage(rows, input.limit, (last) => ({ at: last.grantedAtText, id: last.id }));
  return { items: page.map(({ grantedAtText: _at, ...r }) => r), nextCursor };
}

/**
 * Ends a running grant now, in the caller's name. The database decides who may (an admin of the
 * grant's practice, or the grantee: the update policies) and how (once, in the caller's own name,
 * never undone: the transition trigger of drizzle/0018_grant_revoke.sql); a grant the caller
 * cannot see, one already revoked or expired all answer NOT_FOUND.
 */
export async function revokeGrant(tx: Tx, id: string, me: string, ownOnly: boolean) {
  const [row] = await tx
    .update(accessGrants)
    .set({ revokedAt: sql`now()` as unknown as Date, revokedBy: me })
    .where(
      and(
        eq(accessGrants.id, id),
        sql`app_grant_running(${accessGrants})`,
        ownOnly ? eq(accessGrants.clinicianId, me) : undefined,
      ),
    )
    .returning();
  if (!row) throw new AppError("NOT_FOUND", "No running emergency access with that id.");
  return row;
}
