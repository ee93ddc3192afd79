"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { describeError } from "@/lib/forms";
import { noteCreateInput } from "@/lib/schemas/notes";
import { useTRPC } from "@/lib/trpc/client";
import type { RouterOutputs } from "@/server/trpc/types";

type Note = RouterOutputs["notes"]["list"][number];
const fmt = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short" });

function NoteItem({ note }: { note: Note }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const update = useMutation(trpc.notes.update.mutationOptions());

  async function onSave(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const body = String(new FormData(event.currentTarget).get("body") ?? "");
    try {
      await update.mutateAsync({ id: note.id, body });
      setEditing(false);
      router.refresh();
    } catch (err) {
      const d = describeError(err);
      setError(d.fields.body ?? d.message);
    }
  }

  return (
    <li className="note">
      <p className="muted">
        {note.authorName ?? "A colleague"} · {fmt.format(note.createdAt)}
        {note.updatedAt.getTime() - note.createdAt.getTime() > 1000 ? " · edited" : ""}
      </p>
      {editing ? (
        <form onSubmit={onSave} noValidate>
          <label htmlFor={`note-${note.id}`}>Edit note</label>
          <textarea id={`note-${note.id}`} name="body" defaultValue={note.body} rows={4} aria-invalid={error ? true : undefined} />
          {error && <p className="field-error">{error}</p>}
          <p className="actions">
            <button type="submit" disabled={update.isPending}>Save note</button>
            <button type="button" className="secondary" onClick={() => setEditing(false)}>Cancel</button>
          </p>
        </form>
      ) : (
        <>
          <p className="note-body">{note.body}</p>
          {note.mine && (
            <button type="button" className="link" onClick={() => setEditing(true)}>
              Edit<span className="visually-hidden"> your note from {fmt.format(note.createdAt)}</span>
            </button>
          )}
        </>
      )}
    </li>
  );
}

export function Notes({ patientId, notes, canWrite }: { patientId: string; notes: Note[]; canWrite: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const create = useMutation(trpc.notes.create.mutationOptions());

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formEl = event.currentTarget;
    const parsed = noteCreateInput.safeParse({ patientId, body: new FormData(formEl).get("body") });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? "Check the note.");
      return;
    }
    setError(null);
    try {
      await create.mutateAsync(parsed.data);
      formEl.reset();
      router.refresh();
    } catch (err) {
      const d = describeError(err);
      setError(d.fields.body ?? d.message);
    }
  }

  return (
    <section className="card wide" aria-labelledby="notes-heading">
      <h2 id="notes-heading">Clinical notes</h2>
      {canWrite && (
        <form onSubmit={onSubmit} noValidate>
          <label htmlFor="new-note">New note</label>
          <textarea id="new-note" name="body" rows={3} aria-invalid={error ? true : undefined} aria-describedby={error ? "new-note-error" : undefined} />
          {error && (
            <p id="new-note-error" className="field-error">
              {error}
            </p>
          )}
          <p className="actions">
            <button type="submit" disabled={create.isPending}>{create.isPending ? "Saving…" : "Add note"}</button>
          </p>
        </form>
      )}
      {notes.length === 0 ? (
        <p className="empty">No notes you can read.</p>
      ) : (
        <ul className="plain notes" aria-label="Notes">
          {notes.map((n) => (
            <NoteItem key={n.id} note={n} />
          ))}
        </ul>
      )}
    </section>
  );
}
