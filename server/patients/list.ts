import type { PatientListInput } from "@/lib/schemas/patients";
import { audit } from "@/server/audit/record";
import type { RequestCtx } from "@/server/request";
import { listPatients } from "./queries";

/** One page of the caller's patients (the policies decide which), audited with the ids it showed. */
export async function patientList(ctx: RequestCtx, input: PatientListInput) {
  const result = await listPatients(ctx.tx, input);
  if (result.items.length > 0) {
    await audit(ctx, { action: "patient.list", detail: { patientIds: result.items.map((p) => p.id) } });
  }
  return result;
}
