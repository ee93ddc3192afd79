"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { describeError } from "@/lib/forms";
import { useTRPC } from "@/lib/trpc/client";

export function ArchiveButton({ id, archived, name }: { id: string; archived: boolean; name: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const archive = useMutation(trpc.patients.archive.mutationOptions());
  const restore = useMutation(trpc.patients.restore.mutationOptions());
  const busy = archive.isPending || restore.isPending;
  async function run() {
    try {
      await (archived ? restore : archive).mutateAsync({ id });
      setMessage({ ok: true, text: archived ? `${name} restored.` : `${name} archived.` });
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
          archived
            ? "Their care team sees the chart again and can write to it."
            : "The chart becomes read-only and leaves every clinician's list. Nothing is deleted; you can restore it later."
        }
        confirmLabel={archived ? "Restore patient" : "Archive patient"}
        onConfirm={run}
      >
        {archived ? "Restore" : "Archive"} <span className="visually-hidden">{name}</span>
      </ConfirmButton>
      {message && (
        <span className={message.ok ? "muted" : "field-error"} role="status">
          {message.text}
        </span>
      )}
    </span>
  );
}
