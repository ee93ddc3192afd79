"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useSession } from "next-auth/react";
import { usePathname, useRouter } from "next/navigation";
import { useState } from "react";
import { describeError } from "@/lib/forms";
import { useTRPC } from "@/lib/trpc/client";

/** Accepts (by emailed token or, from the pending list, by id), then switches the session to that practice. */
export function AcceptButton({ input, label }: { input: { token: string } | { invitationId: string }; label: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const { update } = useSession();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const switchOrg = useMutation(trpc.me.switchOrg.mutationOptions());
  const accept = useMutation(trpc.invitations.accept.mutationOptions());
  const pending = accept.isPending || switchOrg.isPending;

  async function onClick() {
    setError(null);
    try {
      const joined = await accept.mutateAsync(input);
      const org = await switchOrg.mutateAsync({ orgId: joined.orgId });
      await update({ orgId: org.id });
      queryClient.clear();
      // The session cookie is now in the new practice: re-render what is on screen, or go to its patients.
      if (pathname === "/patients") router.refresh();
      else router.push("/patients");
    } catch (err) {
      setError(describeError(err).message);
    }
  }

  return (
    <span className="actions">
      <button type="button" onClick={onClick} disabled={pending}>
        {pending ? "Joining…" : label}
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
