"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { describeError } from "@/lib/forms";
import { useTRPC } from "@/lib/trpc/client";
import { recordLabel, type NamedRecord } from "./record-label";

/** Archive or restore, each confirmation and announcement naming the record (name, MRN, birth date). */
export function ArchiveButton({ patient, archived }: { patient: NamedRecord & { id: string }; archived: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const archive = useMutation(trpc.patients.archive.mutationOptions());
  const restore = useMutation(trpc.patients.restore.mutationOptions());
  const busy = archive.isPending || restore.isPending;
  const label = recordLabel(patient);
  const name = `${patient.givenName} ${patient.familyName}`;
  async function run() {
    try {
      await (archived ? restore : archive).mutateAsync({ id: patient.id });
      setMessage({ ok: true, text: archived ? `Restored ${label}.` : `Archived ${label}.` });
      router.refresh();
    } catch (e) {
      setMessage({ ok: false, text: describeError(e).message });
    }
  }
  return (
    <span className="actions">
      <ConfirmButton
        tone={archived ? "primary" : "danger"}
        disabled={busy}
        title={archived ? `Restore ${name}?` : `Archive ${name}?`}
        body={
          <>
            <p className="record-facts">
              <strong>{label}</strong>
            </p>
            <p>
              {archived
                ? "Their care team sees the chart again and can write to it."
                : "The chart becomes read-only and leaves every clinician's list. Nothing is deleted; you can restore it later."}
            </p>
          </>
        }
        confirmLabel={archived ? "Restore patient" : "Archive patient"}
        onConfirm={run}
      >
        {archived ? "Restore" : "Archive"} <span className="visually-hidden">{label}</span>
      </ConfirmButton>
      <span className={message && !message.ok ? "field-error" : "muted"} role="status" aria-live="polite">
        {message?.text}
      </span>
    </span>
  );
}
