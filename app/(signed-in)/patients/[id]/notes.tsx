"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { createContext, useContext, useEffect, useRef, useState, useTransition, type FormEvent } from "react";
import { ConfirmDialog } from "@/app/_components/confirm-dialog";
import { bound } from "@/app/_components/field";
import { describeError } from "@/lib/forms";
import { noteCreateInput } from "@/lib/schemas/notes";
import { formatDateTime } from "@/lib/time";
import { useTRPC } from "@/lib/trpc/client";
import type { RouterOutputs } from "@/server/trpc/types";

type Note = RouterOutputs["notes"]["list"][number];
type Entry = Omit<Note, "addenda">;
const TimeZone = createContext("UTC");
function useFmt() {
  const tz = useContext(TimeZone);
  return { format: (d: Date) => formatDateTime(d, tz) };
}

function StatusBadge({ status }: { status: Entry["status"] }) {
  if (status === "draft") return <span className="status-badge draft">Draft</span>;
  if (status === "entered_in_error") return <span className="status-badge error">Entered in error</span>;
  return <span className="status-badge signed">Signed</span>;
}

function History({ note }: { note: Entry }) {
  const fmt = useFmt();
  if (note.history.length < 2) return null;
  return (
    <details>
      <summary>
        History ({note.history.length} versions)
        <span className="visually-hidden"> of the note from {fmt.format(note.createdAt)}</span>
      </summary>
      <ol className="history" aria-label="Versions">
        {note.history.map((v) => (
          <li key={v.version}>
            <strong>v{v.version}</strong> · {v.status.replace(/_/g, " ")} · {v.changedByName ?? "A colleague"} ·{" "}
            {fmt.format(v.changedAt)}
            {v.status === "entered_in_error" && v.errorReason ? ` · reason: ${v.errorReason}` : ""}
            <div className="note-body">{v.body}</div>
          </li>
        ))}
      </ol>
    </details>
  );
}

function NoteItem({ note, canWrite }: { note: Note; canWrite: boolean }) {
  const fmt = useFmt();
  const trpc = useTRPC();
  const router = useRouter();
  const [mode, setMode] = useState<"view" | "edit" | "addendum">("view");
  const [dialog, setDialog] = useState<"sign" | "error" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const done = () => {
    setMode("view");
    setDialog(null);
    setError(null);
    router.refresh();
  };
  const fail = (err: unknown) => {
    const d = describeError(err);
    setError(d.fields.body ?? d.fields.reason ?? d.message);
  };
  const update = useMutation(trpc.notes.update.mutationOptions({ onSuccess: done, onError: fail }));
  const sign = useMutation(trpc.notes.sign.mutationOptions({ onSuccess: done, onError: fail }));
  const addendum = useMutation(trpc.notes.addendum.mutationOptions({ onSuccess: done, onError: fail }));
  const markInError = useMutation(trpc.notes.markInError.mutationOptions({ onSuccess: done, onError: fail }));
  const when = fmt.format(note.createdAt);
  const inError = note.status === "entered_in_error";

  function onSave(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const body = String(new FormData(event.currentTarget).get("body") ?? "");
    if (mode === "edit") update.mutate({ id: note.id, body });
    else addendum.mutate({ noteId: note.id, body });
  }

  return (
    <li className={`note${inError ? " in-error" : ""}`}>
      <p className="muted">
        {note.authorName ?? "A colleague"} · {when}
        <StatusBadge status={note.status} />
        {note.signedAt && ` · signed ${fmt.format(note.signedAt)}`}
      </p>
      {mode === "view" ? (
        <p className="note-body">{note.body}</p>
      ) : (
        <form onSubmit={onSave} noValidate>
          {mode === "addendum" && (
            // The signed text stays in view: an addendum is written against what it amends.
            <figure className="amended">
              <figcaption className="muted" id={`amended-${note.id}`}>
                Amends the note signed by {note.authorName ?? "a colleague"}
                {note.signedAt ? ` on ${fmt.format(note.signedAt)}` : ""}
              </figcaption>
              <blockquote className="note-body">{note.body}</blockquote>
            </figure>
          )}
          <label htmlFor={`note-${mode}-${note.id}`}>{mode === "edit" ? "Edit draft" : "Addendum"}</label>
          <textarea
            id={`note-${mode}-${note.id}`}
            name="body"
            defaultValue={mode === "edit" ? note.body : ""}
            rows={4}
            aria-invalid={error ? true : undefined}
            aria-describedby={mode === "addendum" ? `amended-${note.id}` : undefined}
          />
          {error && <p className="field-error">{error}</p>}
          <p className="actions">
            <button type="submit" disabled={update.isPending || addendum.isPending}>
              {mode === "edit" ? "Save draft" : "Sign addendum"}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setMode("view");
                setError(null);
              }}
            >
              Cancel
            </button>
          </p>
        </form>
      )}
      {inError && (
        <p className="field-error">
          Entered in error {note.errorAt ? fmt.format(note.errorAt) : ""}: {note.errorReason}
        </p>
      )}
      {note.addenda.length > 0 && (
        <ul className="addenda" aria-label="Addenda">
          {note.addenda.map((a) => (
            <li key={a.id}>
              <p className="muted">
                Addendum · {a.authorName ?? "A colleague"} · {fmt.format(a.createdAt)}
                <StatusBadge status={a.status} />
              </p>
              <p className="note-body">{a.body}</p>
            </li>
          ))}
        </ul>
      )}
      <History note={note} />
      {mode === "view" && (
        <p className="actions">
          {note.mine && note.status === "draft" && (
            <>
              <button type="button" className="link" onClick={() => setMode("edit")}>
                Edit<span className="visually-hidden"> your draft from {when}</span>
              </button>
              <button type="button" className="link" onClick={() => setDialog("sign")}>
                Sign<span className="visually-hidden"> your draft from {when}</span>
              </button>
            </>
          )}
          {canWrite && note.status === "signed" && (
            <button type="button" className="link" onClick={() => setMode("addendum")}>
              Add addendum<span className="visually-hidden"> to the note from {when}</span>
            </button>
          )}
          {note.mine && note.status !== "entered_in_error" && (
            <button type="button" className="link" onClick={() => setDialog("error")}>
              Mark entered in error<span className="visually-hidden"> (note from {when})</span>
            </button>
          )}
        </p>
      )}
      {mode === "view" && error && <p className="field-error">{error}</p>}
      <ConfirmDialog
        open={dialog === "sign"}
        title="Sign this note?"
        confirmLabel="Sign note"
        tone="primary"
        busy={sign.isPending}
        onConfirm={() => sign.mutate({ id: note.id })}
        onCancel={() => setDialog(null)}
      >
        <p>A signed note can never be changed again, by anyone. Corrections are added as addenda.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog === "error"}
        title="Mark this note entered in error?"
        confirmLabel="Mark in error"
        busy={markInError.isPending}
        onConfirm={() => markInError.mutate({ id: note.id, reason })}
        onCancel={() => {
          setDialog(null);
          setError(null);
        }}
      >
        <p>The note stays in the record, struck through, with your reason.</p>
        <label htmlFor={`reason-${note.id}`}>Reason</label>
        <input id={`reason-${note.id}`} {...bound(reason, setReason)} aria-invalid={error ? true : undefined} />
        {error && <p className="field-error">{error}</p>}
      </ConfirmDialog>
    </li>
  );
}

export function Notes({
  timeZone,
  patientId,
  notes,
  canWrite,
  cannotWriteReason,
  draftKey,
}: {
  timeZone: string;
  patientId: string;
  notes: Note[];
  canWrite: boolean;
  /** One line saying why there is no note box (shown when canWrite is false). */
  cannotWriteReason?: string;
  /** localStorage key of this user's unsaved new note for this patient (ids only, never in the URL). */
  draftKey?: string;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const create = useMutation(trpc.notes.create.mutationOptions());
  // Pending until the saved note is on screen, so "Add note" cannot be pressed twice meanwhile.
  const [refreshing, startRefresh] = useTransition();
  const saving = create.isPending || refreshing;
  const box = useRef<HTMLTextAreaElement>(null);
  const [restored, setRestored] = useState(false);
  // A note being written survives a reload, a lost connection or an automatic sign-out: it is kept
  // on this device only (localStorage) until it is saved.
  useEffect(() => {
    if (!draftKey || !box.current) return;
    const kept = window.localStorage.getItem(draftKey);
    if (kept && !box.current.value) {
      box.current.value = kept;
      setRestored(true);
    }
  }, [draftKey]);
  const keep = (value: string) => {
    if (!draftKey) return;
    if (value.trim()) window.localStorage.setItem(draftKey, value);
    else window.localStorage.removeItem(draftKey);
  };

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formEl = event.currentTarget;
    const parsed = noteCreateInput.safeParse({ patientId, body: new FormData(formEl).get("body") });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? "Check the note.");
      return;
    }
    if (saving) return;
    setError(null);
    try {
      await create.mutateAsync(parsed.data);
      formEl.reset();
      keep("");
      setRestored(false);
      startRefresh(() => router.refresh());
    } catch (err) {
      const d = describeError(err);
      setError(d.fields.body ?? d.message);
    }
  }

  return (
    <TimeZone.Provider value={timeZone}>
      <section className="card wide" aria-labelledby="notes-heading">
        <h2 id="notes-heading">Clinical notes</h2>
        {!canWrite && cannotWriteReason && (
          <p className="muted" data-testid="no-note-reason">
            {cannotWriteReason}
          </p>
        )}
        {canWrite && (
          <form onSubmit={onSubmit} noValidate>
            <label htmlFor="new-note">New note</label>
            <textarea
              id="new-note"
              name="body"
              rows={3}
              ref={box}
              onInput={(e) => keep(e.currentTarget.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "new-note-error" : "new-note-hint"}
            />
            <p id="new-note-hint" className="muted">
              Saved as a draft: you can edit it until you sign it.
            </p>
            {restored && (
              <p className="notice" role="status" data-testid="draft-restored">
                Your unsaved note was restored from this device.
              </p>
            )}
            {error && (
              <p id="new-note-error" className="field-error" role="alert">
                {error}
              </p>
            )}
            <p className="actions">
              <button type="submit" disabled={saving}>
                {saving ? "Saving…" : "Add note"}
              </button>
            </p>
          </form>
        )}
        {notes.length === 0 ? (
          <p className="empty">No notes you can read.</p>
        ) : (
          <ul className="plain notes" aria-label="Notes">
            {notes.map((n) => (
              <NoteItem key={n.id} note={n} canWrite={canWrite} />
            ))}
          </ul>
        )}
      </section>
    </TimeZone.Provider>
  );
}
