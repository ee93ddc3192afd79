import { asc, desc, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { z } from "zod";
import type { chartEssentialsInput } from "@/lib/schemas/essentials";
import { audit } from "@/server/audit/record";
import { allergies, conditions, medicationStatements, users, vitalSigns } from "@/server/db/schema";
import { findVisiblePatient } from "@/server/patients/queries";
import type { RequestCtx } from "@/server/request";

const recorder = alias(users, "recorder");

/**
 * Problems, allergies, medications and vitals of one patient, as the policies let the caller see
 * them (an admin off the care team gets four empty lists), with who recorded each. Audited like
 * the chart: one row per read, counts only.
 */
export async function chartEssentials(ctx: RequestCtx, input: z.infer<typeof chartEssentialsInput>) {
  await findVisiblePatient(ctx.tx, input.patientId);
  const by = { recordedByName: recorder.name };
  const [problems, allergyRows, medications, vitals] = await Promise.all([
    ctx.tx
      .select({ row: conditions, ...by })
      .from(conditions)
      .leftJoin(recorder, eq(recorder.id, conditions.recordedBy))
      .where(eq(conditions.patientId, input.patientId))
      .orderBy(asc(conditions.clinicalStatus), desc(conditions.recordedAt)),
    ctx.tx
      .select({ row: allergies, ...by })
      .from(allergies)
      .leftJoin(recorder, eq(recorder.id, allergies.recordedBy))
      .where(eq(allergies.patientId, input.patientId))
      .orderBy(desc(allergies.recordedAt)),
    ctx.tx
      .select({ row: medicationStatements, ...by })
      .from(medicationStatements)
      .leftJoin(recorder, eq(recorder.id, medicationStatements.recordedBy))
      .where(eq(medicationStatements.patientId, input.patientId))
      .orderBy(desc(medicationStatements.recordedAt)),
    ctx.tx
      .select({ row: vitalSigns, ...by })
      .from(vitalSigns)
      .leftJoin(recorder, eq(recorder.id, vitalSigns.recordedBy))
      .where(eq(vitalSigns.patientId, input.patientId))
      .orderBy(asc(vitalSigns.effectiveAt)),
  ]);
  const flat = <T>(rows: { row: T; recordedByName: string | null }[]) =>
    rows.map((r) => ({ ...r.row, recordedByName: r.recordedByName }));
  const out = {
    problems: flat(problems),
    allergies: flat(allergyRows),
    medications: flat(medications),
    vitals: flat(vitals),
  };
  await audit(ctx, {
    action: "essentials.view",
    entityId: input.patientId,
    patientId: input.patientId,
    detail: {
      problems: out.problems.length,
      allergies: out.allergies.length,
      medications: out.medications.length,
      vitals: out.vitals.length,
    },
  });
  return out;
}
