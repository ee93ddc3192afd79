"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { getCsrfToken } from "next-auth/react";
import { useState } from "react";
import { describeError } from "@/lib/forms";
import { useTRPC } from "@/lib/trpc/client";

/**
 * Moves the session cookie to `orgId` (the jwt callback checks the membership in the database).
 * The same request as next-auth's useSession().update(), made directly: update() silently does
 * nothing while the provider's session is (re)loading, which a quick click can hit.
 */
async function moveSessionTo(orgId: string) {
  const res = await fetch("/api/auth/session", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ csrfToken: await getCsrfToken(), data: { orgId } }),
  });
  if (!res.ok) throw new Error("Could not switch to the practice. Reload the page and use the practice selector.");
}

/** Accepts (by emailed token or, from the pending list, by id), then switches the session to that practice. */
export function AcceptButton({ input, label }: { input: { token: string } | { invitationId: string }; label: string }) {
  const trpc = useTRPC();
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
      await moveSessionTo(org.id);
      queryClient.clear();
      // The session cookie is now in the new practice. A full load, as the practice switcher does: the
      // signed-in layout (header, practice selector) is kept across client navigations.
      // eslint-disable-next-line @next/next/no-location-assign-relative-destination
      window.location.assign("/patients");
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
