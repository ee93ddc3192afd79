import { desc, sql } from "drizzle-orm";
import type { z } from "zod";
import type { breakGlassGrantInput, breakGlassRequestInput } from "@/lib/schemas/break-glass";
import { audit } from "@/server/audit/record";
import { accessGrants } from "@/server/db/schema";
import { env } from "@/server/env";
import type { MemberCtx, RequestCtx } from "@/server/request";
import { revokeGrant } from "./queries";

/** Minutes a break-glass grant lasts (BREAK_GLASS_MINUTES, default 60; the table allows at most 24 h). */
export const grantMinutes = () => env().BREAK_GLASS_MINUTES;

/**
 * Emergency access: a grant for the caller, starting now, flagged for admin review; the policies
 * do the rest. Another practice's (or no) patient fails the composite foreign key: NOT_FOUND.
 */
export async function requestAccess(ctx: MemberCtx, input: z.infer<typeof breakGlassRequestInput>) {
  const [grant] = await ctx.tx
    .insert(accessGrants)
    .values({
      orgId: ctx.orgId,
      clinicianId: ctx.userId,
      patientId: input.patientId,
      reason: input.reason,
      expiresAt: sql`now() + make_interval(mins => ${grantMinutes()})` as unknown as Date,
    })
    .returning();
  await audit(ctx, { action: "break_glass.request", entityId: grant.id, patientId: input.patientId });
  return grant;
}

/** The caller's own grants, newest first. */
export function myGrants(ctx: RequestCtx) {
  return ctx.tx
    .select()
    .from(accessGrants)
    .where(sql`${accessGrants.clinicianId} = app_user_id()`)
    .orderBy(desc(accessGrants.grantedAt))
    .limit(50);
}

/** "End access": the grantee ends their own running grant early (an admin still reviews it). */
export async function endMyAccess(ctx: RequestCtx, input: z.infer<typeof breakGlassGrantInput>) {
  const row = await revokeGrant(ctx.tx, input.id, ctx.userId, true);
  await audit(ctx, { action: "break_glass.end", entityId: row.id, patientId: row.patientId });
  return row;
}
