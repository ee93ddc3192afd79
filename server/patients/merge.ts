import { sql } from "drizzle-orm";
import type { z } from "zod";
import type { patientIdInput, patientMergeInput } from "@/lib/schemas/patients";
import { audit } from "@/server/audit/record";
import { AppError } from "@/server/errors";
import type { RequestCtx } from "@/server/request";
import { findVisiblePatient } from "./queries";

/**
 * Merges a duplicate chart into the one kept (admins: the procedure's gate; app_merge_patients
 * refuses anyone else and anything outside the practice). Appointments and the care team move;
 * notes stay on the merged chart and show on the kept one (drizzle/0023_one_patient_one_chart.sql).
 */
export async function mergePatients(ctx: RequestCtx, input: z.infer<typeof patientMergeInput>) {
  const [keep, merge] = [
    await findVisiblePatient(ctx.tx, input.keepId),
    await findVisiblePatient(ctx.tx, input.mergeId),
  ];
  if (keep.mergedInto || merge.mergedInto) throw AppError.of("MERGED_CHART");
  if (keep.archivedAt || merge.archivedAt)
    throw new AppError("CONFLICT", "Restore an archived chart before merging it.");
  const [{ moved }] = await ctx.tx.execute<{ moved: { appointments: number; careTeam: number; notes: number } }>(
    sql`select app_merge_patients(${keep.id}, ${merge.id}) as moved`,
  );
  await audit(ctx, {
    action: "patient.merge",
    entityId: keep.id,
    patientId: keep.id,
    detail: { mergedPatientId: merge.id, ...moved },
  });
  return { kept: keep, merged: merge, moved };
}

/** Where a merged chart now lives, when the caller may open it; null otherwise (also for unmerged charts). */
export async function chartRedirect(ctx: RequestCtx, input: z.infer<typeof patientIdInput>) {
  const [row] = await ctx.tx.execute<{ to: string | null }>(sql`select app_patient_redirect(${input.id}) as to`);
  return { to: row?.to ?? null };
}
