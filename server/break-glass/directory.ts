import { sql } from "drizzle-orm";
import type { z } from "zod";
import type { directoryInput } from "@/lib/schemas/break-glass";
import { audit } from "@/server/audit/record";
import { claimAttempt, DIRECTORY_THROTTLE, directoryKey } from "@/server/auth/throttle";
import type { ContextGuard } from "@/server/db/context";
import { AppError } from "@/server/errors";
import type { RequestCtx } from "@/server/request";

/**
 * The practice directory: name, date of birth and MRN only, through app_patient_directory().
 * Rate-limited per user (counted in this transaction: a search that fails does not count), and
 * audited with the search term and the ids it returned, so a harvest is visible in the audit log.
 * Its first statement writes (the throttle row), so it waits for the session's verdict instead of
 * travelling with it: an ended session's request writes nothing, not even a rolled-back row.
 */
export async function searchDirectory(
  ctx: RequestCtx & { guard: Pick<ContextGuard, "ready"> },
  input: z.infer<typeof directoryInput>,
) {
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
}
