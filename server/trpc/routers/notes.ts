import { TRPCError } from "@trpc/server";
import { desc, eq, sql } from "drizzle-orm";
import { noteCreateInput, noteListInput, noteUpdateInput } from "../../../lib/schemas/notes";
import { audit } from "../../audit/record";
import { clinicalNotes, users } from "../../db/schema";
import { orgProcedure, router } from "../init";
import { findPatient } from "./patients";

export const notesRouter = router({
  /** Notes are for the care team only: an admin not on it gets an empty list from the policies. */
  list: orgProcedure.input(noteListInput).query(async ({ ctx, input }) => {
    await findPatient(ctx.tx, input.patientId);
    const rows = await ctx.tx
      .select({
        id: clinicalNotes.id,
        body: clinicalNotes.body,
        authorId: clinicalNotes.authorId,
        authorName: users.name,
        createdAt: clinicalNotes.createdAt,
        updatedAt: clinicalNotes.updatedAt,
      })
      .from(clinicalNotes)
      .leftJoin(users, eq(users.id, clinicalNotes.authorId))
      .where(eq(clinicalNotes.patientId, input.patientId))
      .orderBy(desc(clinicalNotes.createdAt));
    await audit(ctx, {
      action: "note.list",
      entity: "clinical_note",
      patientId: input.patientId,
      detail: { noteIds: rows.map((n) => n.id) },
    });
    return rows.map((n) => ({ ...n, mine: n.authorId === ctx.userId }));
  }),

  create: orgProcedure.input(noteCreateInput).mutation(async ({ ctx, input }) => {
    if (!ctx.orgId) throw new TRPCError({ code: "FORBIDDEN", message: "Choose a practice first." });
    await findPatient(ctx.tx, input.patientId);
    const [row] = await ctx.tx
      .insert(clinicalNotes)
      .values({ orgId: ctx.orgId, patientId: input.patientId, authorId: ctx.userId, body: input.body })
      .returning();
    await audit(ctx, { action: "note.create", entity: "clinical_note", entityId: row.id, patientId: row.patientId });
    return row;
  }),

  /** Own notes only: the policy hides others' notes from UPDATE, so they answer NOT_FOUND. */
  update: orgProcedure.input(noteUpdateInput).mutation(async ({ ctx, input }) => {
    const [row] = await ctx.tx
      .update(clinicalNotes)
      .set({ body: input.body, updatedAt: sql`now()` })
      .where(eq(clinicalNotes.id, input.id))
      .returning();
    if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "Note not found, or not yours to edit." });
    await audit(ctx, { action: "note.update", entity: "clinical_note", entityId: row.id, patientId: row.patientId });
    return row;
  }),
});
