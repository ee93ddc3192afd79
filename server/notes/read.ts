import type { z } from "zod";
import type { noteListInput } from "@/lib/schemas/notes";
import { audit } from "@/server/audit/record";
import { findVisiblePatient } from "@/server/patients/queries";
import type { RequestCtx } from "@/server/request";
import { myDrafts, notesForChart } from "./queries";

/** Notes are for the care team (or cover, or a grant) only: an admin not on it gets an empty list. */
export async function chartNotes(ctx: RequestCtx, input: z.infer<typeof noteListInput>) {
  await findVisiblePatient(ctx.tx, input.patientId);
  const notes = await notesForChart(ctx.tx, input.patientId, ctx.userId);
  await audit(ctx, {
    action: "note.list",
    patientId: input.patientId,
    detail: { noteIds: notes.flatMap((n) => [n.id, ...n.addenda.map((a) => a.id)]) },
  });
  return notes;
}

/** The caller's unsigned drafts; those older than 24 h are flagged. */
export async function draftsOfMine(ctx: RequestCtx) {
  const rows = await myDrafts(ctx.tx, ctx.userId);
  await audit(ctx, { action: "note.drafts", detail: { noteIds: rows.map((r) => r.id) } });
  return rows;
}
