import { and, eq } from "drizzle-orm";
import type { z } from "zod";
import type {
  noteAddendumInput,
  noteCreateInput,
  noteErrorInput,
  noteIdInput,
  noteUpdateInput,
} from "@/lib/schemas/notes";
import { audit } from "@/server/audit/record";
import { clinicalNotes } from "@/server/db/schema";
import { AppError } from "@/server/errors";
import { findVisiblePatient } from "@/server/patients/queries";
import type { MemberCtx, RequestCtx } from "@/server/request";
import { findNote, refusedNoteChange } from "./queries";

/*
 * Notes: drafts (editable by their author), signed (locked by the database), addenda (new signed
 * entries under a signed note) and entered-in-error (struck through, kept). The policies and the
 * clinical_notes_lock trigger enforce all of it; these functions only phrase the answers.
 */

/** A new note is a draft of the caller. */
export async function createNote(ctx: MemberCtx, input: z.infer<typeof noteCreateInput>) {
  await findVisiblePatient(ctx.tx, input.patientId);
  const [row] = await ctx.tx
    .insert(clinicalNotes)
    .values({ orgId: ctx.orgId, patientId: input.patientId, authorId: ctx.userId, body: input.body })
    .returning();
  await audit(ctx, { action: "note.create", entityId: row.id, patientId: row.patientId });
  return row;
}

/** Changes one of the caller's drafts (the policies and the draft filter decide which), audited. */
async function changeDraft(
  ctx: RequestCtx,
  id: string,
  set: Partial<typeof clinicalNotes.$inferInsert>,
  action: "note.update" | "note.sign",
) {
  const [row] = await ctx.tx
    .update(clinicalNotes)
    .set(set)
    .where(and(eq(clinicalNotes.id, id), eq(clinicalNotes.status, "draft")))
    .returning();
  if (!row) return refusedNoteChange(ctx.tx, id, ctx.userId);
  await audit(ctx, { action, entityId: row.id, patientId: row.patientId, detail: { version: row.version } });
  return row;
}

/** Own drafts only; a signed note answers FORBIDDEN, someone else's NOT_FOUND. */
export const updateDraft = (ctx: RequestCtx, input: z.infer<typeof noteUpdateInput>) =>
  changeDraft(ctx, input.id, { body: input.body }, "note.update");

/** Signing locks the note (signed_at is the database's clock). */
export const signNote = (ctx: RequestCtx, input: z.infer<typeof noteIdInput>) =>
  changeDraft(ctx, input.id, { status: "signed" }, "note.sign");

/** A correction: a new signed entry under a signed original note of a patient the caller can see. */
export async function addAddendum(ctx: MemberCtx, input: z.infer<typeof noteAddendumInput>) {
  const parent = await findNote(ctx.tx, input.noteId);
  if (parent.status !== "signed" || parent.addendumTo) {
    throw new AppError("BAD_REQUEST", "Addenda attach to signed notes only.");
  }
  const [row] = await ctx.tx
    .insert(clinicalNotes)
    .values({
      orgId: ctx.orgId,
      patientId: parent.patientId,
      authorId: ctx.userId,
      body: input.body,
      status: "signed",
      addendumTo: parent.id,
    })
    .returning();
  await audit(ctx, {
    action: "note.addendum",
    entityId: row.id,
    patientId: row.patientId,
    detail: { addendumTo: parent.id },
  });
  return row;
}

/** The author marks their note entered in error, with a reason; it stays in the record. */
export async function markInError(ctx: RequestCtx, input: z.infer<typeof noteErrorInput>) {
  const [row] = await ctx.tx
    .update(clinicalNotes)
    .set({ status: "entered_in_error", errorReason: input.reason })
    .where(eq(clinicalNotes.id, input.id))
    .returning();
  if (!row) throw new AppError("NOT_FOUND", "Note not found, or not yours to mark.");
  await audit(ctx, { action: "note.entered_in_error", entityId: row.id, patientId: row.patientId });
  return row;
}
