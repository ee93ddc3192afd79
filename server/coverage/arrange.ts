import { eq } from "drizzle-orm";
import type { z } from "zod";
import type { coverageIdInput, coverageInput } from "@/lib/schemas/coverage";
import { audit } from "@/server/audit/record";
import type { Tx } from "@/server/db/client";
import { users } from "@/server/db/schema";
import type { MemberCtx, RequestCtx } from "@/server/request";
import {
  clinicians,
  endCoverage,
  insertCoverage,
  listCoverage,
  previewCoverage,
  type CoverageRequest,
} from "./queries";

/*
 * A colleague covers a clinician for a time. Who may arrange what is the coverage policies'
 * decision (a clinician hands over only their own panel, an admin arranges it between two others,
 * nobody for themselves as the covering one); these functions phrase the answers.
 */

type AdminAware = { isAdmin(): Promise<boolean> };

/** The cover as asked: a clinician who names nobody hands over their own panel. */
function request(ctx: MemberCtx, input: z.infer<typeof coverageInput>): CoverageRequest {
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

/** Active clinicians of the practice, for the form. */
export const coverageClinicians = (ctx: RequestCtx) => clinicians(ctx.tx);

/** The caller's covers as either party; an admin's, the practice's. */
export async function coverageList(ctx: RequestCtx & AdminAware) {
  return listCoverage(ctx.tx, ctx.userId, await ctx.isAdmin());
}

/** "+N patients for Dr X": what the cover would add, rolled back (the covering one's total for an admin only). */
export async function previewCover(ctx: MemberCtx & AdminAware, input: z.infer<typeof coverageInput>) {
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
}

/** Arranges the cover from now until its end. */
export async function arrangeCover(ctx: MemberCtx, input: z.infer<typeof coverageInput>) {
  const row = await insertCoverage(ctx.tx, request(ctx, input));
  await audit(ctx, {
    action: "coverage.create",
    entityId: row.id,
    detail: { coveringId: row.coveringId, coveredId: row.coveredId, endsAt: row.endsAt.toISOString() },
  });
  return row;
}

/** End early: either party, or an admin. */
export async function endCover(ctx: RequestCtx, input: z.infer<typeof coverageIdInput>) {
  const row = await endCoverage(ctx.tx, input.id, ctx.userId);
  await audit(ctx, {
    action: "coverage.end",
    entityId: row.id,
    detail: { coveringId: row.coveringId, coveredId: row.coveredId },
  });
  return row;
}
