"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "@/lib/trpc/client";

export function ArchiveButton({ id, archived, name }: { id: string; archived: boolean; name: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const options = { onSuccess: () => router.refresh() };
  const archive = useMutation(trpc.patients.archive.mutationOptions(options));
  const restore = useMutation(trpc.patients.restore.mutationOptions(options));
  const busy = archive.isPending || restore.isPending;
  return (
    <button type="button" className="secondary" disabled={busy} onClick={() => (archived ? restore : archive).mutate({ id })}>
      {archived ? "Restore" : "Archive"} <span className="visually-hidden">{name}</span>
    </button>
  );
}
