import { asc, eq } from "drizzle-orm";
import type { z } from "zod";
import type { patientIdInput } from "@/lib/schemas/patients";
import { audit } from "@/server/audit/record";
import { careTeam, users } from "@/server/db/schema";
import type { RequestCtx } from "@/server/request";
import { chartAccess, findVisiblePatient, lastEditor } from "./queries";

type PatientId = z.infer<typeof patientIdInput>;

/** The chart header: the patient, who last changed it, and why the caller may see it (the chart shows a banner for break-glass access). */
export async function openChart(ctx: RequestCtx, input: PatientId) {
  const patient = await findVisiblePatient(ctx.tx, input.id);
  const access = await chartAccess(ctx.tx, patient.id);
  const updatedByName = await lastEditor(ctx.tx, patient.updatedBy);
  await audit(ctx, { action: "patient.view", entityId: patient.id, patientId: patient.id });
  return { ...patient, updatedByName, access };
}

/** Who looks after this patient (colleagues' names are visible within the practice). */
export async function patientCareTeam(ctx: RequestCtx, input: PatientId) {
  await findVisiblePatient(ctx.tx, input.id);
  return ctx.tx
    .select({ clinicianId: careTeam.clinicianId, name: users.name, assignedAt: careTeam.assignedAt })
    .from(careTeam)
    .leftJoin(users, eq(users.id, careTeam.clinicianId))
    .where(eq(careTeam.patientId, input.id))
    .orderBy(asc(users.name));
}
