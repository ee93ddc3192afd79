"use client";

import { useEffect, useId, useRef, useState, type ReactNode } from "react";

/**
 * The one confirmation of the app. A native modal <dialog>: focus moves in (to its first field, or
 * Cancel — never the destructive button) and stays there, Escape cancels, and focus returns to the
 * element that opened it. Destructive actions ask here first, naming the person and the consequence.
 *
 * `ConfirmDialog` is controlled (the caller owns `open`); `ConfirmButton` is a trigger button with
 * its own dialog.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  busy,
  tone = "danger",
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  /** "danger" (default) for destructive actions, "primary" for a confirmation that destroys nothing. */
  tone?: "danger" | "primary";
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      d.showModal();
      (d.querySelector<HTMLElement>("input, textarea, select") ?? cancelRef.current)?.focus();
    }
    if (!open && d.open) {
      d.close();
      const back = opener.current;
      opener.current = null;
      if (back && back.isConnected) back.focus();
    }
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="confirm"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
      <p className="actions dialog-actions">
        <button type="button" className="secondary" onClick={onCancel} ref={cancelRef}>
          Cancel
        </button>
        <button
          type="button"
          className={tone === "danger" ? "danger" : undefined}
          disabled={busy}
          aria-disabled={busy || undefined}
          onClick={onConfirm}
        >
          {busy ? "Working…" : confirmLabel}
        </button>
      </p>
    </dialog>
  );
}

/**
 * A button that asks before it acts. `onConfirm` may return a promise: the dialog stays open (its
 * button pending, so it cannot be pressed twice) until it settles, then closes.
 */
export function ConfirmButton({
  children,
  title,
  body,
  confirmLabel,
  onConfirm,
  disabled,
  tone = "danger",
  className,
}: {
  /** The trigger's label (add a visually hidden name when several rows share it). */
  children: ReactNode;
  title: string;
  body?: ReactNode;
  confirmLabel: string;
  onConfirm: () => unknown;
  disabled?: boolean;
  tone?: "danger" | "primary";
  className?: string;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <button
        type="button"
        className={className ?? (tone === "danger" ? "danger-outline" : "secondary")}
        disabled={disabled}
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        {children}
      </button>
      <ConfirmDialog
        open={open}
        title={title}
        confirmLabel={confirmLabel}
        tone={tone}
        busy={busy}
        onCancel={() => setOpen(false)}
        onConfirm={async () => {
          setBusy(true);
          try {
            await onConfirm();
          } finally {
            setBusy(false);
            setOpen(false);
          }
        }}
      >
        {typeof body === "string" ? <p>{body}</p> : body}
      </ConfirmDialog>
    </>
  );
}
