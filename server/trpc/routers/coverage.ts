import { eq } from "drizzle-orm";
import { coverageIdInput, coverageInput, coveragePreviewInput } from "@/lib/schemas/coverage";
import { audit } from "@/server/audit/record";
import {
  clinicians,
  endCoverage,
  insertCoverage,
  listCoverage,
  previewCoverage,
  type CoverageRequest,
} from "@/server/coverage/queries";
import type { Tx } from "@/server/db/client";
import { users } from "@/server/db/schema";
import { memberProcedure, signedInProcedure, router } from "@/server/trpc/init";

function request(
  ctx: { orgId: string; userId: string },
  input: { coveringId: string; coveredId?: string; endsAt: Date; reason: string },
): CoverageRequest {
  return {
    orgId: ctx.orgId,
    coveringId: input.coveringId,
    coveredId: input.coveredId ?? ctx.userId,
    endsAt: input.endsAt,
    reason: input.reason,
    createdBy: ctx.userId,
  };
}

const nameOf = async (tx: Tx, id: string) =>
  (await tx.select({ name: users.name }).from(users).where(eq(users.id, id)))[0]?.name ?? null;

/**
 * A colleague covers a clinician for a time. Who may arrange what is the coverage policies'
 * decision (a clinician hands over only their own panel, an admin arranges it between two others,
 * nobody for themselves as the covering one); these procedures phrase the answers.
 */
export const coverageRouter = router({
  /** Active clinicians of the practice, for the form. */
  clinicians: signedInProcedure.query(({ ctx }) => clinicians(ctx.tx)),

  list: signedInProcedure.query(async ({ ctx }) => {
    const rows = await listCoverage(ctx.tx, ctx.userId, await ctx.isAdmin());
    return rows;
  }),

  /** "+N patients for Dr X": what the cover would add, rolled back (the covering one's total for an admin only). */
  preview: memberProcedure.input(coveragePreviewInput).mutation(async ({ ctx, input }) => {
    const r = request(ctx, input);
    const result = await previewCoverage(ctx.tx, await ctx.isAdmin(), r);
    await audit(ctx, {
      action: "coverage.preview",
      detail: { coveringId: r.coveringId, coveredId: r.coveredId, added: result.added },
    });
    return {
      ...result,
      coveringName: await nameOf(ctx.tx, r.coveringId),
      coveredName: await nameOf(ctx.tx, r.coveredId),
    };
  }),

  create: memberProcedure.input(coverageInput).mutation(async ({ ctx, input }) => {
    const row = await insertCoverage(ctx.tx, request(ctx, input));
    await audit(ctx, {
      action: "coverage.create",
      entityId: row.id,
      detail: { coveringId: row.coveringId, coveredId: row.coveredId, endsAt: row.endsAt.toISOString() },
    });
    return row;
  }),

  /** End early: either party, or an admin. */
  end: signedInProcedure.input(coverageIdInput).mutation(async ({ ctx, input }) => {
    const row = await endCoverage(ctx.tx, input.id, ctx.userId);
    await audit(ctx, {
      action: "coverage.end",
      entityId: row.id,
      detail: { coveringId: row.coveringId, coveredId: row.coveredId },
    });
    return row;
  }),
});
