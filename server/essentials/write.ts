import { and, eq, isNull, sql } from "drizzle-orm";
import type { z } from "zod";
import type {
  allergyCreateInput,
  essentialErrorInput,
  medicationCreateInput,
  medicationStopInput,
  noKnownAllergiesInput,
  problemCreateInput,
  problemResolveInput,
  vitalsRecordInput,
} from "@/lib/schemas/essentials";
import { audit } from "@/server/audit/record";
import { allergies, conditions, medicationStatements, vitalSigns } from "@/server/db/schema";
import { AppError } from "@/server/errors";
import { findVisiblePatient } from "@/server/patients/queries";
import type { MemberCtx } from "@/server/request";

/*
 * Writes of the chart's essentials. The policies decide who may write for which patient, and the
 * triggers of drizzle/0024_clinical_essentials.sql what may change (only the one act, once, and the
 * recorder's entered-in-error mark) and stamp who and when; these functions only phrase the answers.
 */

const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found.`);

/** The one row a statement touched; none: `what` is not there (or not the reader's to see). */
async function theOne<R>(rows: PromiseLike<R[]>, what: string): Promise<R> {
  const [row] = await rows;
  if (!row) throw notFound(what);
  return row;
}

/** Who records for which patient, stamped on every new entry. */
const recordedFor = (ctx: MemberCtx, patientId: string) => ({ orgId: ctx.orgId, patientId, recordedBy: ctx.userId });

export async function recordProblem(ctx: MemberCtx, input: z.infer<typeof problemCreateInput>) {
  await findVisiblePatient(ctx.tx, input.patientId);
  const [row] = await ctx.tx
    .insert(conditions)
    .values({
      ...recordedFor(ctx, input.patientId),
      text: input.text,
      codeSystem: input.codeSystem ?? null,
      code: input.code ?? null,
      onsetOn: input.onsetOn ?? null,
      resolvedOn: input.resolvedOn ?? null,
    })
    .returning();
  await audit(ctx, { action: "problem.record", entityId: row.id, patientId: row.patientId });
  return row;
}

export async function resolveProblem(ctx: MemberCtx, input: z.infer<typeof problemResolveInput>) {
  const row = await theOne(
    ctx.tx
      .update(conditions)
      .set({ resolvedOn: input.resolvedOn })
      .where(and(eq(conditions.id, input.id), isNull(conditions.resolvedOn)))
      .returning(),
    "Active problem",
  );
  await audit(ctx, { action: "problem.resolve", entityId: row.id, patientId: row.patientId });
  return row;
}

/** A new allergy ends a standing "no known allergies" (as of today) in the same transaction. */
export async function recordAllergy(ctx: MemberCtx, input: z.infer<typeof allergyCreateInput>) {
  await findVisiblePatient(ctx.tx, input.patientId);
  const [ended] = await ctx.tx
    .update(allergies)
    .set({ resolvedOn: sql`current_date` })
    .where(
      and(
        eq(allergies.patientId, input.patientId),
        eq(allergies.kind, "no_known_allergies"),
        isNull(allergies.resolvedOn),
        isNull(allergies.errorAt),
      ),
    )
    .returning({ id: allergies.id });
  const [row] = await ctx.tx
    .insert(allergies)
    .values({
      ...recordedFor(ctx, input.patientId),
      kind: "allergy",
      substance: input.substance,
      reaction: input.reaction ?? null,
      severity: input.severity ?? null,
      criticality: input.criticality ?? null,
    })
    .returning();
  await audit(ctx, {
    action: "allergy.record",
    entityId: row.id,
    patientId: row.patientId,
    detail: ended ? { endedNoKnownAllergies: ended.id } : {},
  });
  return row;
}

/** "No known allergies" is a statement someone makes: refused while an allergy stands. */
export async function recordNoKnownAllergies(ctx: MemberCtx, input: z.infer<typeof noKnownAllergiesInput>) {
  await findVisiblePatient(ctx.tx, input.patientId);
  const standing = await ctx.tx
    .select({ kind: allergies.kind })
    .from(allergies)
    .where(and(eq(allergies.patientId, input.patientId), isNull(allergies.resolvedOn), isNull(allergies.errorAt)));
  if (standing.some((a) => a.kind === "allergy")) {
    throw new AppError(
      "CONFLICT",
      "This patient has an active allergy on record. Mark it entered in error first if it was wrong.",
    );
  }
  if (standing.length) throw new AppError("CONFLICT", "No known allergies is already recorded.");
  const [row] = await ctx.tx
    .insert(allergies)
    .values({ ...recordedFor(ctx, input.patientId), kind: "no_known_allergies" })
    .returning();
  await audit(ctx, { action: "allergy.no_known", entityId: row.id, patientId: row.patientId });
  return row;
}

export async function recordMedication(ctx: MemberCtx, input: z.infer<typeof medicationCreateInput>) {
  await findVisiblePatient(ctx.tx, input.patientId);
  const [row] = await ctx.tx
    .insert(medicationStatements)
    .values({
      ...recordedFor(ctx, input.patientId),
      name: input.name,
      dose: input.dose,
      frequency: input.frequency,
      route: input.route,
      startedOn: input.startedOn ?? null,
    })
    .returning();
  await audit(ctx, { action: "medication.record", entityId: row.id, patientId: row.patientId });
  return row;
}

export async function stopMedication(ctx: MemberCtx, input: z.infer<typeof medicationStopInput>) {
  const current = await theOne(
    ctx.tx
      .select({ startedOn: medicationStatements.startedOn })
      .from(medicationStatements)
      .where(and(eq(medicationStatements.id, input.id), isNull(medicationStatements.stoppedOn))),
    "Current medication",
  );
  if (current.startedOn && input.stoppedOn < current.startedOn) {
    throw new AppError("BAD_REQUEST", "A medication stops on or after the day it started.");
  }
  const row = await theOne(
    ctx.tx
      .update(medicationStatements)
      .set({ stoppedOn: input.stoppedOn, stopReason: input.stopReason ?? null })
      .where(and(eq(medicationStatements.id, input.id), isNull(medicationStatements.stoppedOn)))
      .returning(),
    "Current medication",
  );
  await audit(ctx, { action: "medication.stop", entityId: row.id, patientId: row.patientId });
  return row;
}

/** One row per measurement taken now (blood pressure is one row with both values). */
export async function recordVitals(ctx: MemberCtx, input: z.infer<typeof vitalsRecordInput>) {
  await findVisiblePatient(ctx.tx, input.patientId);
  const base = { ...recordedFor(ctx, input.patientId), effectiveAt: new Date() };
  const values: (typeof vitalSigns.$inferInsert)[] = [];
  if (input.systolic !== undefined && input.diastolic !== undefined)
    values.push({ ...base, kind: "blood_pressure", value: input.systolic, diastolic: input.diastolic });
  if (input.heartRate !== undefined) values.push({ ...base, kind: "heart_rate", value: input.heartRate });
  if (input.temperature !== undefined) values.push({ ...base, kind: "body_temperature", value: input.temperature });
  if (input.weight !== undefined) values.push({ ...base, kind: "body_weight", value: input.weight });
  if (input.height !== undefined) values.push({ ...base, kind: "body_height", value: input.height });
  const rows = await ctx.tx.insert(vitalSigns).values(values).returning();
  await audit(ctx, {
    action: "vitals.record",
    patientId: input.patientId,
    detail: { vitalIds: rows.map((r) => r.id) },
  });
  return rows;
}

const ERROR_TARGETS = {
  problem: { table: conditions, action: "problem.entered_in_error", what: "Problem" },
  allergy: { table: allergies, action: "allergy.entered_in_error", what: "Allergy entry" },
  medication: { table: medicationStatements, action: "medication.entered_in_error", what: "Medication" },
  vital: { table: vitalSigns, action: "vitals.entered_in_error", what: "Measurement" },
} as const;

/**
 * The clinician who recorded an entry marks it entered in error, with a reason; it stays in the
 * record, struck through. Someone else's entry is refused by the database (FORBIDDEN).
 */
export async function markEssentialInError(ctx: MemberCtx, input: z.infer<typeof essentialErrorInput>) {
  const target = ERROR_TARGETS[input.entry];
  const { table } = target;
  const row = await theOne(
    ctx.tx
      .update(table)
      .set({ errorReason: input.reason })
      .where(eq(table.id, input.id))
      .returning({ id: table.id, patientId: table.patientId }),
    target.what,
  );
  await audit(ctx, { action: target.action, entityId: row.id, patientId: row.patientId });
  return row;
}
