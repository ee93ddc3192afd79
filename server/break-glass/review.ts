import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { z } from "zod";
import type { breakGlassGrantInput, breakGlassListInput, breakGlassReviewInput } from "@/lib/schemas/break-glass";
import { audit } from "@/server/audit/record";
import { columnsOf, patientLabel } from "@/server/db/columns";
import { accessGrants, patients, users } from "@/server/db/schema";
import { AppError } from "@/server/errors";
import type { MemberCtx } from "@/server/request";
import { revokeGrant } from "./queries";

/** The admins' side of emergency access: the review queue, the review, and ending a grant early. */

/** Grants awaiting review (or all), oldest first, with who, whom and why. */
export function reviewQueue({ tx }: MemberCtx, input: z.infer<typeof breakGlassListInput>) {
  return tx
    .select({
      ...columnsOf(
        accessGrants,
        "id",
        "patientId",
        "reason",
        "grantedAt",
        "expiresAt",
        "reviewedAt",
        "reviewComment",
        "revokedAt",
      ),
      clinicianName: users.name,
      // The caller's own request: the database lets only another admin review it.
      own: sql<boolean>`${accessGrants.clinicianId} = app_user_id()`,
      ...patientLabel,
    })
    .from(accessGrants)
    .leftJoin(users, eq(users.id, accessGrants.clinicianId))
    .leftJoin(patients, eq(patients.id, accessGrants.patientId))
    .where(input.unreviewedOnly ? isNull(accessGrants.reviewedAt) : undefined)
    .orderBy(asc(accessGrants.grantedAt));
}

/** Marks a grant reviewed, once, by an admin who is not its grantee (the database refuses that too). */
export async function reviewGrant(ctx: MemberCtx, input: z.infer<typeof breakGlassReviewInput>) {
  const [grant] = await ctx.tx
    .select({ clinicianId: accessGrants.clinicianId })
    .from(accessGrants)
    .where(eq(accessGrants.id, input.id));
  if (grant?.clinicianId === ctx.userId) {
    throw new AppError("FORBIDDEN", "You cannot review your own emergency access; another admin must.");
  }
  const [row] = await ctx.tx
    .update(accessGrants)
    .set({ reviewedBy: ctx.userId, reviewedAt: sql`now()` as unknown as Date, reviewComment: input.comment })
    .where(and(eq(accessGrants.id, input.id), isNull(accessGrants.reviewedAt)))
    .returning();
  if (!row) throw new AppError("NOT_FOUND", "No unreviewed grant with that id.");
  await audit(ctx, { action: "break_glass.review", entityId: row.id, patientId: row.patientId });
  return row;
}

/**
 * Ends a running grant now: the clinician loses the chart at once. Not a review (the grant stays
 * in the review queue until reviewed). Another practice's grant is NOT_FOUND, nothing changed.
 */
export async function revokeAnyGrant(ctx: MemberCtx, input: z.infer<typeof breakGlassGrantInput>) {
  const row = await revokeGrant(ctx.tx, input.id, ctx.userId, false);
  await audit(ctx, {
    action: "break_glass.revoke",
    entityId: row.id,
    patientId: row.patientId,
    detail: { clinicianId: row.clinicianId },
  });
  return row;
}
