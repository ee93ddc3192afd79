import { AppError } from "@/server/errors";
import { and, asc, eq, sql } from "drizzle-orm";
import type { Tx } from "@/server/db/client";
import { columnsOf } from "@/server/db/columns";
import { clinicalNotes, clinicalNoteVersions, patients, users } from "@/server/db/schema";

/** Drafts older than this are flagged on their author's list. */
export const DRAFT_OVERDUE_HOURS = 24;

export type NoteStatus = "draft" | "signed" | "entered_in_error";

const noteColumns = {
  id: clinicalNotes.id,
  patientId: clinicalNotes.patientId,
  body: clinicalNotes.body,
  status: clinicalNotes.status,
  signedAt: clinicalNotes.signedAt,
  addendumTo: clinicalNotes.addendumTo,
  errorReason: clinicalNotes.errorReason,
  errorAt: clinicalNotes.errorAt,
  version: clinicalNotes.version,
  authorId: clinicalNotes.authorId,
  authorName: users.name,
  createdAt: clinicalNotes.createdAt,
  updatedAt: clinicalNotes.updatedAt,
};

/**
 * A patient's notes as the chart shows them: originals newest first, each with its addenda (oldest
 * first) and its version history. The policies decide which rows exist; nothing is filtered here.
 */
export async function notesForChart(tx: Tx, patientId: string, me: string) {
  // A merge leaves signed notes on the merged chart (they never change); they show here.
  const onChart = (column: typeof clinicalNotes.patientId | typeof clinicalNoteVersions.patientId) =>
    sql`(${column} = ${patientId} or ${column} in (select m.id from app_merged_visible_patients() m where m.merged_into = ${patientId}))`;
  const rows = await tx
    .select(noteColumns)
    .from(clinicalNotes)
    .leftJoin(users, eq(users.id, clinicalNotes.authorId))
    .where(onChart(clinicalNotes.patientId))
    .orderBy(asc(clinicalNotes.createdAt), asc(clinicalNotes.id));
  const versions = await tx
    .select({
      ...columnsOf(clinicalNoteVersions, "noteId", "version", "body", "status", "errorReason", "changedAt"),
      changedByName: users.name,
    })
    .from(clinicalNoteVersions)
    .leftJoin(users, eq(users.id, clinicalNoteVersions.changedBy))
    .where(onChart(clinicalNoteVersions.patientId))
    .orderBy(asc(clinicalNoteVersions.noteId), asc(clinicalNoteVersions.version));
  const history = new Map<string, typeof versions>();
  for (const v of versions) history.set(v.noteId, [...(history.get(v.noteId) ?? []), v]);
  const shape = (n: (typeof rows)[number]) => ({ ...n, mine: n.authorId === me, history: history.get(n.id) ?? [] });
  const addenda = new Map<string, ReturnType<typeof shape>[]>();
  for (const n of rows) if (n.addendumTo) addenda.set(n.addendumTo, [...(addenda.get(n.addendumTo) ?? []), shape(n)]);
  return rows
    .filter((n) => !n.addendumTo)
    .reverse()
    .map((n) => ({ ...shape(n), addenda: addenda.get(n.id) ?? [] }));
}

/** One note the caller can see, or NOT_FOUND (hidden and missing look the same). */
export async function findNote(tx: Tx, id: string) {
  const [row] = await tx
    .select(noteColumns)
    .from(clinicalNotes)
    .leftJoin(users, eq(users.id, clinicalNotes.authorId))
    .where(eq(clinicalNotes.id, id));
  if (!row) throw new AppError("NOT_FOUND", "Note not found.");
  return row;
}

/**
 * After an UPDATE the policies let through nothing: a visible note of the caller that is no longer a
 * draft is FORBIDDEN (signed notes never change); anything else is NOT_FOUND.
 */
export async function refusedNoteChange(tx: Tx, id: string, me: string): Promise<never> {
  const [row] = await tx
    .select({ authorId: clinicalNotes.authorId, status: clinicalNotes.status })
    .from(clinicalNotes)
    .where(eq(clinicalNotes.id, id));
  if (row && row.authorId === me && row.status !== "draft") {
    throw new AppError("FORBIDDEN", "A signed note never changes. Write an addendum instead.");
  }
  throw new AppError("NOT_FOUND", "Note not found, or not yours to edit.");
}

/** The caller's unsigned drafts on patients they can still see, oldest first, overdue ones flagged. */
export async function myDrafts(tx: Tx, me: string) {
  return tx
    .select({
      id: clinicalNotes.id,
      patientId: clinicalNotes.patientId,
      givenName: patients.givenName,
      familyName: patients.familyName,
      createdAt: clinicalNotes.createdAt,
      overdue: sql<boolean>`${clinicalNotes.createdAt} < now() - make_interval(hours => ${DRAFT_OVERDUE_HOURS})`,
    })
    .from(clinicalNotes)
    .innerJoin(patients, eq(patients.id, clinicalNotes.patientId))
    .where(and(eq(clinicalNotes.authorId, me), eq(clinicalNotes.status, "draft")))
    .orderBy(asc(clinicalNotes.createdAt))
    .limit(100);
}
