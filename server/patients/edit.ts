import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import type { patientCreateInput, patientIdInput, patientUpdateInput } from "@/lib/schemas/patients";
import { audit } from "@/server/audit/record";
import { patients } from "@/server/db/schema";
import { AppError } from "@/server/errors";
import type { MemberCtx, RequestCtx } from "@/server/request";
import { formatDateTime } from "@/lib/time";
import { practiceZone } from "@/server/appointments/visits";
import { findDuplicates } from "./duplicates";
import { findVisiblePatient, lastEditor, setArchived } from "./queries";

/**
 * Registers a patient. Possible duplicates (as the caller may see them, or the database's bare
 * "one exists elsewhere in the practice") refuse the registration unless it names a reason, which
 * the audit row keeps. A blank MRN takes the practice's next one. Inserted without RETURNING: the
 * row becomes visible to a clinician only once the trigger has put them on its care team.
 */
export async function createPatient(ctx: MemberCtx, input: z.infer<typeof patientCreateInput>) {
  const { duplicateReason, mrn, ...fields } = input;
  const found = await findDuplicates(ctx.tx, fields);
  if ((found.candidates.length > 0 || found.elsewhere) && !duplicateReason) throw AppError.of("POSSIBLE_DUPLICATE");
  const id = randomUUID();
  const [{ next }] = mrn ? [{ next: mrn }] : await ctx.tx.execute<{ next: string }>(sql`select app_next_mrn() as next`);
  await ctx.tx.insert(patients).values({ ...fields, mrn: next, id, orgId: ctx.orgId, createdBy: ctx.userId });
  const patient = await findVisiblePatient(ctx.tx, id);
  const override =
    duplicateReason && (found.candidates.length > 0 || found.elsewhere)
      ? {
          duplicateReason,
          duplicateCandidateIds: found.candidates.map((c) => c.id),
          duplicateElsewhere: found.elsewhere,
        }
      : {};
  await audit(ctx, {
    action: "patient.create",
    entityId: id,
    patientId: id,
    detail: { mrnGenerated: !mrn, ...override },
  });
  return patient;
}

/** Optimistic concurrency: the edit names the version it started from. */
export async function updatePatient(ctx: RequestCtx, input: z.infer<typeof patientUpdateInput>) {
  const { id, version, ...changes } = input;
  const [row] = await ctx.tx
    .update(patients)
    .set(changes)
    .where(and(eq(patients.id, id), eq(patients.version, version)))
    .returning();
  if (!row) {
    const current = await findVisiblePatient(ctx.tx, id);
    const [who, tz] = await Promise.all([lastEditor(ctx.tx, current.updatedBy), practiceZone(ctx.tx)]);
    throw new AppError(
      "CONFLICT",
      `${who ?? "Someone else"} changed these details at ${formatDateTime(current.updatedAt, tz)} while you were editing. Your edit was not saved; your typed values are kept below.`,
      "STALE_EDIT",
    );
  }
  await audit(ctx, { action: "patient.update", entityId: id, patientId: id, detail: { fields: Object.keys(changes) } });
  return row;
}

/** Archives the patient (admins: the procedure's gate; the policies refuse anyone else's write). */
export async function archivePatient(ctx: RequestCtx, input: z.infer<typeof patientIdInput>) {
  const row = await setArchived(ctx.tx, input.id, true);
  await audit(ctx, { action: "patient.archive", entityId: row.id, patientId: row.id });
  return row;
}

/** Brings an archived patient back to the lists. */
export async function restorePatient(ctx: RequestCtx, input: z.infer<typeof patientIdInput>) {
  const current = await findVisiblePatient(ctx.tx, input.id);
  if (current.mergedInto) throw AppError.of("MERGED_CHART");
  const row = await setArchived(ctx.tx, input.id, false);
  await audit(ctx, { action: "patient.restore", entityId: row.id, patientId: row.id });
  return row;
}
