import {
  noteAddendumInput,
  noteCreateInput,
  noteErrorInput,
  noteIdInput,
  noteListInput,
  noteUpdateInput,
} from "@/lib/schemas/notes";
import { chartNotes, draftsOfMine } from "@/server/notes/read";
import { addAddendum, createNote, markInError, signNote, updateDraft } from "@/server/notes/write";
import { memberProcedure, router, signedInProcedure } from "@/server/trpc/init";

/** `notes.*`: drafts, signing, addenda and entered-in-error, as the database enforces them (server/notes/). */
export const notesRouter = router({
  list: signedInProcedure.input(noteListInput).query(({ ctx, input }) => chartNotes(ctx, input)),
  myDrafts: signedInProcedure.query(({ ctx }) => draftsOfMine(ctx)),
  create: memberProcedure.input(noteCreateInput).mutation(({ ctx, input }) => createNote(ctx, input)),
  update: signedInProcedure.input(noteUpdateInput).mutation(({ ctx, input }) => updateDraft(ctx, input)),
  sign: signedInProcedure.input(noteIdInput).mutation(({ ctx, input }) => signNote(ctx, input)),
  addendum: memberProcedure.input(noteAddendumInput).mutation(({ ctx, input }) => addAddendum(ctx, input)),
  markInError: signedInProcedure.input(noteErrorInput).mutation(({ ctx, input }) => markInError(ctx, input)),
});
