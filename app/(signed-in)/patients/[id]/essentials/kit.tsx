"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { createContext, useContext, useRef, useState, useTransition, type ReactNode } from "react";
import type { z } from "zod";
import { ConfirmDialog } from "@/app/_components/confirm-dialog";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import { useZodForm } from "@/app/_components/use-zod-form";
import { essentialErrorInput, type EssentialEntry } from "@/lib/schemas/essentials";
import { formatDateTime } from "@/lib/time";
import { useTRPC } from "@/lib/trpc/client";
import type { RouterOutputs } from "@/server/trpc/types";

export type Essentials = RouterOutputs["essentials"]["forChart"];

/** What every essentials card needs to know about the reader. */
export interface ChartReader {
  patientId: string;
  userId: string;
  timeZone: string;
  /** Care team (or cover, a grant) on an unarchived patient: may record. */
  canWrite: boolean;
}
const Reader = createContext<ChartReader>({ patientId: "", userId: "", timeZone: "UTC", canWrite: false });
export const useReader = () => useContext(Reader);

export function ReaderProvider({ value, children }: { value: ChartReader; children: ReactNode }) {
  return <Reader.Provider value={value}>{children}</Reader.Provider>;
}

/** Re-renders the chart from the server after a write, pending until it is on screen. */
export function useRefresh() {
  const router = useRouter();
  const [refreshing, start] = useTransition();
  return { refreshing, refresh: () => start(() => router.refresh()) };
}

/** "Recorded by Dr Grey, 3 Mar 2026, 15:21 UTC" (and who marked it in error, why). */
export function Provenance({ entry }: { entry: Omit<Entry, "id" | "recordedBy"> }) {
  const { timeZone } = useReader();
  return (
    <span className="muted provenance">
      Recorded by {entry.recordedByName ?? "a colleague"}, {formatDateTime(entry.recordedAt, timeZone)}
      {entry.errorAt && ` · entered in error ${formatDateTime(entry.errorAt, timeZone)}: ${entry.errorReason}`}
    </span>
  );
}

/**
 * A form inside the app's confirmation dialog: the dialog's button submits the form, so the fields
 * go through the procedure's zod schema (useZodForm) and stay open with their errors on failure.
 */
export function DialogForm<S extends z.ZodType>({
  open,
  title,
  confirmLabel,
  tone,
  schema,
  read,
  submit,
  onClose,
  children,
}: {
  open: boolean;
  title: string;
  confirmLabel: string;
  tone: "danger" | "primary";
  schema: S;
  read: (data: FormData) => unknown;
  submit: (input: z.output<S>) => Promise<unknown>;
  onClose: () => void;
  children: (errors: Record<string, string>) => ReactNode;
}) {
  const form = useRef<HTMLFormElement>(null);
  const { refreshing, refresh } = useRefresh();
  const f = useZodForm(
    schema,
    async (input) => {
      await submit(input);
      form.current?.reset();
      onClose();
      refresh();
    },
    read,
  );
  return (
    <ConfirmDialog
      open={open}
      title={title}
      confirmLabel={confirmLabel}
      tone={tone}
      busy={f.pending || refreshing}
      onCancel={() => {
        f.reset();
        onClose();
      }}
      onConfirm={() => form.current?.requestSubmit()}
    >
      <form ref={form} onSubmit={f.onSubmit} noValidate>
        {children(f.errors)}
        <FormMessage message={f.message} />
      </form>
    </ConfirmDialog>
  );
}

/** What every chart entry carries: who recorded it and whether it was entered in error. */
interface Entry {
  id: string;
  recordedBy: string;
  recordedByName: string | null;
  recordedAt: Date;
  errorReason: string | null;
  errorAt: Date | null;
}

/**
 * A standing entry: its words, then for a writer the action that ends it (Resolved, Stop) and, on
 * the writer's own entry, "Entered in error".
 */
export function CurrentEntry({
  entry,
  kind,
  what,
  end,
  onEnd,
  children,
}: {
  entry: Entry;
  kind: EssentialEntry;
  what: string;
  end: string;
  onEnd: () => void;
  children: ReactNode;
}) {
  const { userId, canWrite } = useReader();
  return (
    <li>
      <div>
        <strong>{what}</strong>
        {children}
        <br />
        <Provenance entry={entry} />
      </div>
      {canWrite && (
        <span className="entry-actions">
          <button type="button" className="link" aria-haspopup="dialog" aria-label={`${end}: ${what}`} onClick={onEnd}>
            {end}
          </button>
          {entry.recordedBy === userId && <EnterInError entry={kind} id={entry.id} what={what} />}
        </span>
      )}
    </li>
  );
}

/** An ended entry or one entered in error (struck through, badged); the author may still mark it in error. */
export function PastEntry({
  entry,
  kind,
  what,
  children,
}: {
  entry: Entry;
  kind: EssentialEntry;
  what: string;
  children: ReactNode;
}) {
  const { userId, canWrite } = useReader();
  return (
    <li className={entry.errorAt ? "in-error" : undefined}>
      <div>
        <span className="entry-text">{what}</span>
        {entry.errorAt && <span className="status-badge error">Entered in error</span>}
        {children}
        <br />
        <Provenance entry={entry} />
      </div>
      {canWrite && !entry.errorAt && entry.recordedBy === userId && (
        <EnterInError entry={kind} id={entry.id} what={what} />
      )}
    </li>
  );
}

/** "Entered in error…" on the caller's own entry: asks first, with a reason; the entry stays, struck through. */
export function EnterInError({ entry, id, what }: { entry: EssentialEntry; id: string; what: string }) {
  const trpc = useTRPC();
  const mark = useMutation(trpc.essentials.markInError.mutationOptions());
  const [open, setOpen] = useState(false);
  const name = `${entry}-${id}-reason`;
  return (
    <>
      <button
        type="button"
        className="link"
        aria-haspopup="dialog"
        aria-label={`Entered in error: ${what}`}
        onClick={() => setOpen(true)}
      >
        Entered in error
      </button>
      <DialogForm
        open={open}
        title={`Mark “${what}” entered in error?`}
        confirmLabel="Mark entered in error"
        tone="danger"
        schema={essentialErrorInput}
        read={(d) => ({ entry, id, reason: d.get(name) })}
        submit={(input) => mark.mutateAsync(input)}
        onClose={() => setOpen(false)}
      >
        {(errors) => (
          <>
            <p>It stays in the record, struck through, with your reason. This cannot be undone.</p>
            <Field as="textarea" label="Reason" name={name} rows={2} error={errors.reason} />
          </>
        )}
      </DialogForm>
    </>
  );
}

/**
 * A "Record …" disclosure holding a form (closed, it takes one line): the fields go through the
 * procedure's zod schema with the chart's patient, and on success the form clears and the chart
 * refreshes. `refresh`: the card's own, when something else on the card refreshes too.
 */
export function AddForm<S extends z.ZodType>({
  label,
  submitLabel,
  done,
  schema,
  submit,
  refresh,
  children,
}: {
  label: string;
  submitLabel: string;
  /** The sentence shown once recorded. */
  done: string;
  schema: S;
  submit: (input: z.output<S>) => Promise<unknown>;
  refresh?: ReturnType<typeof useRefresh>;
  children: (errors: Record<string, string>) => ReactNode;
}) {
  const { patientId } = useReader();
  const own = useRefresh();
  const { refreshing, refresh: reload } = refresh ?? own;
  const form = useZodForm(
    schema,
    async (input, el) => {
      await submit(input);
      el.reset();
      reload();
      return done;
    },
    (d) => ({ ...Object.fromEntries(d), patientId }),
  );
  return (
    <details className="add-panel">
      <summary>{label}</summary>
      <form onSubmit={form.onSubmit} noValidate>
        {children(form.errors)}
        <FormMessage message={form.message} />
        <p className="actions">
          <button type="submit" disabled={form.pending || refreshing}>
            {form.pending || refreshing ? "Saving…" : submitLabel}
          </button>
        </p>
      </form>
    </details>
  );
}
