import { AppError } from "@/server/errors";
import { and, eq } from "drizzle-orm";
import {
  noteAddendumInput,
  noteCreateInput,
  noteErrorInput,
  noteIdInput,
  noteListInput,
  noteUpdateInput,
} from "@/lib/schemas/notes";
import { audit, type AuditContext } from "@/server/audit/record";
import { clinicalNotes } from "@/server/db/schema";
import { findNote, myDrafts, notesForChart, refusedNoteChange } from "@/server/notes/queries";
import { findVisiblePatient } from "@/server/patients/queries";
import { memberProcedure, signedInProcedure, router } from "@/server/trpc/init";

/** Changes one of the caller's drafts (the policies and the draft filter decide which), audited. */
async function changeDraft(
  ctx: AuditContext,
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
  await audit(ctx, {
    action,
    entityId: row.id,
    patientId: row.patientId,
    detail: { version: row.version },
  });
  return row;
}

/**
 * Notes: drafts (editable by their author), signed (locked by the database), addenda (new signed
 * entries under a signed note) and entered-in-error (struck through, kept). The policies and the
 * clinical_notes_lock trigger enforce all of it; these procedures only phrase the answers.
 */
export const notesRouter = router({
  /** Notes are for the care team (or cover, or a grant) only: an admin not on it gets an empty list. */
  list: signedInProcedure.input(noteListInput).query(async ({ ctx, input }) => {
    await findVisiblePatient(ctx.tx, input.patientId);
    const notes = await notesForChart(ctx.tx, input.patientId, ctx.userId);
    await audit(ctx, {
      action: "note.list",
      patientId: input.patientId,
      detail: { noteIds: notes.flatMap((n) => [n.id, ...n.addenda.map((a) => a.id)]) },
    });
    return notes;
  }),

  /** The caller's unsigned drafts; those older than 24 h are flagged. */
  myDrafts: signedInProcedure.query(async ({ ctx }) => {
    const rows = await myDrafts(ctx.tx, ctx.userId);
    await audit(ctx, { action: "note.drafts", detail: { noteIds: rows.map((r) => r.id) } });
    return rows;
  }),

  /** A new note is a draft of the caller. */
  create: memberProcedure.input(noteCreateInput).mutation(async ({ ctx, input }) => {
    await findVisiblePatient(ctx.tx, input.patientId);
    const [row] = await ctx.tx
      .insert(clinicalNotes)
      .values({ orgId: ctx.orgId, patientId: input.patientId, authorId: ctx.userId, body: input.body })
      .returning();
    await audit(ctx, { action: "note.create", entityId: row.id, patientId: row.patientId });
    return row;
  }),

  /** Own drafts only; a signed note answers FORBIDDEN, someone else's NOT_FOUND. */
  update: signedInProcedure
    .input(noteUpdateInput)
    .mutation(({ ctx, input }) => changeDraft(ctx, input.id, { body: input.body }, "note.update")),

  /** Signing locks the note (signed_at is the database's clock). */
  sign: signedInProcedure
    .input(noteIdInput)
    .mutation(({ ctx, input }) => changeDraft(ctx, input.id, { status: "signed" }, "note.sign")),

  /** A correction: a new signed entry under a signed original note of a patient the caller can see. */
  addendum: memberProcedure.input(noteAddendumInput).mutation(async ({ ctx, input }) => {
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
  }),

  /** The author marks their note entered in error, with a reason; it stays in the record. */
  markInError: signedInProcedure.input(noteErrorInput).mutation(async ({ ctx, input }) => {
    const [row] = await ctx.tx
      .update(clinicalNotes)
      .set({ status: "entered_in_error", errorReason: input.reason })
      .where(eq(clinicalNotes.id, input.id))
      .returning();
    if (!row) throw new AppError("NOT_FOUND", "Note not found, or not yours to mark.");
    await audit(ctx, {
      action: "note.entered_in_error",
      entityId: row.id,
      patientId: row.patientId,
    });
    return row;
  }),
});
