"use client";

import { useEffect, useId, useRef, type ReactNode } from "react";

/**
 * An accessible confirmation: the native modal <dialog> (focus moves in and is kept there, Esc
 * cancels, focus returns to the opener). Destructive actions ask here first.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  busy,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      d.showModal();
      // A field to fill first if there is one, otherwise Cancel: never the destructive button.
      (d.querySelector<HTMLElement>("input, textarea, select") ?? cancelRef.current)?.focus();
    }
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="confirm" aria-labelledby={titleId} onCancel={(e) => { e.preventDefault(); onCancel(); }}>
      <h2 id={titleId}>{title}</h2>
      {children}
      <p className="actions">
        <button type="button" className="danger" disabled={busy} onClick={onConfirm}>
          {busy ? "Working…" : confirmLabel}
        </button>
        <button type="button" className="secondary" onClick={onCancel} ref={cancelRef}>
          Cancel
        </button>
      </p>
    </dialog>
  );
}
