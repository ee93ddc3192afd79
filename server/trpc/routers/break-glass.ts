import { AppError } from "@/server/errors";
import { desc, sql } from "drizzle-orm";
import { breakGlassGrantInput, breakGlassRequestInput, directoryInput } from "@/lib/schemas/break-glass";
import { audit } from "@/server/audit/record";
import { revokeGrant } from "@/server/break-glass/queries";
import { claimAttempt, DIRECTORY_THROTTLE, directoryKey } from "@/server/auth/throttle";
import { accessGrants } from "@/server/db/schema";
import { env } from "@/server/env";
import { memberProcedure, signedInProcedure, router } from "@/server/trpc/init";

/** Minutes a break-glass grant lasts (BREAK_GLASS_MINUTES, default 60; the table allows at most 24 h). */
export const grantMinutes = () => env().BREAK_GLASS_MINUTES;

export const breakGlassRouter = router({
  /**
   * The practice directory: name, date of birth and MRN only, through app_patient_directory().
   * Rate-limited per user (counted in this transaction: a search that fails does not count), and
   * audited with the search term and the ids it returned, so a harvest is visible in the audit log.
   * Its first statement writes (the throttle row), so it waits for the session's verdict instead of
   * travelling with it: an ended session's request writes nothing, not even a rolled-back row.
   */
  directory: signedInProcedure.input(directoryInput).query(async ({ ctx, input }) => {
    await ctx.guard.ready();
    if (!(await claimAttempt(ctx.tx, [directoryKey(ctx.userId)], DIRECTORY_THROTTLE.windowMinutes))) {
      throw new AppError(
        "TOO_MANY_REQUESTS",
        `Too many directory searches: at most ${DIRECTORY_THROTTLE.perUser} in ${DIRECTORY_THROTTLE.windowMinutes} minutes. Wait a few minutes and try again.`,
      );
    }
    const rows = await ctx.tx.execute<{
      id: string;
      given_name: string;
      family_name: string;
      birth_date: string;
      mrn: string;
    }>(sql`select id, given_name, family_name, birth_date::text, mrn from app_patient_directory(${input.search})`);
    // Whether the caller already reaches each one clinically: the policies' own function, not a restated rule.
    const visible = new Set(
      (await ctx.tx.execute<{ id: string }>(sql`select app_visible_patient_ids() as id`)).map((r) => r.id),
    );
    await audit(ctx, {
      action: "directory.search",
      detail: { search: input.search, results: rows.length, patientIds: rows.map((r) => r.id) },
    });
    return rows.map((r) => ({
      id: r.id,
      givenName: r.given_name,
      familyName: r.family_name,
      birthDate: r.birth_date,
      mrn: r.mrn,
      visible: visible.has(r.id),
    }));
  }),

  /**
   * Emergency access: a grant for the caller, starting now, flagged for admin review; the policies
   * do the rest. Another practice's (or no) patient fails the composite foreign key: NOT_FOUND.
   */
  request: memberProcedure.input(breakGlassRequestInput).mutation(async ({ ctx, input }) => {
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
    await audit(ctx, {
      action: "break_glass.request",
      entityId: grant.id,
      patientId: input.patientId,
    });
    return grant;
  }),

  /** The caller's own grants, newest first. */
  mine: signedInProcedure.query(({ ctx }) =>
    ctx.tx
      .select()
      .from(accessGrants)
      .where(sql`${accessGrants.clinicianId} = app_user_id()`)
      .orderBy(desc(accessGrants.grantedAt))
      .limit(50),
  ),

  /** "End access": the grantee ends their own running grant early (an admin still reviews it). */
  end: memberProcedure.input(breakGlassGrantInput).mutation(async ({ ctx, input }) => {
    const row = await revokeGrant(ctx.tx, input.id, ctx.userId, true);
    await audit(ctx, { action: "break_glass.end", entityId: row.id, patientId: row.patientId });
    return row;
  }),
});
