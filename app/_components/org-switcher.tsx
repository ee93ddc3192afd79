"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useSession } from "next-auth/react";
import { useState } from "react";
import { appCodeOf } from "@/lib/app-errors";
import { useTRPC } from "@/lib/trpc/client";

interface Org {
  orgId: string;
  name: string;
  status: "active" | "suspended";
}

/**
 * For users in several practices: the database checks the membership, then the session cookie follows.
 * `email` prefills a step-up sign-in; it comes with the page, not from the client's session fetch,
 * which may not have answered yet when someone switches at once.
 */
export function OrgSwitcher({ current, orgs, email }: { current: string | null; orgs: Org[]; email: string }) {
  const trpc = useTRPC();
  const { update } = useSession();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const switchOrg = useMutation(
    trpc.me.switchOrg.mutationOptions({
      onSuccess: async (org) => {
        // next-auth's update() does nothing while another session fetch is in flight (it returns
        // undefined), and the session endpoint now checks the database: retry until the cookie follows.
        let switched = false;
        for (let attempt = 0; attempt < 20 && !switched; attempt++) {
          const session = (await update({ orgId: org.id })) as { orgId?: string } | null | undefined;
          switched = session?.orgId === org.id;
          if (!switched) await new Promise((resolve) => setTimeout(resolve, 150));
        }
        if (!switched) {
          setError("The practice could not be switched. Please try again.");
          return;
        }
        // Cached pages belong to the previous practice: drop them before anything renders again.
        queryClient.clear();
        // Land on the new practice's patient list (a chart or page of the old practice would be a 404
        // there). A full load on purpose: no client state of the old practice survives it.
        // eslint-disable-next-line @next/next/no-location-assign-relative-destination
        window.location.assign("/patients");
      },
      onError: (err, { orgId }) => {
        if (appCodeOf(err) !== "STEP_UP_REQUIRED") return setError(err.message);
        // This session's sign-in does not count there: sign in for that practice (a new session), on a
        // full load so nothing of this session's pages stays behind.
        const params = new URLSearchParams({ practice: orgId, notice: "step-up", email });
        // eslint-disable-next-line @next/next/no-location-assign-relative-destination
        window.location.assign(`/login?${params}`);
      },
    }),
  );
  if (orgs.length < 2) return null;
  return (
    <span className="org-switcher">
      <label htmlFor="org-switcher" className="visually-hidden">
        Practice
      </label>
      <select
        id="org-switcher"
        value={current ?? ""}
        disabled={switchOrg.isPending}
        onChange={(e) => {
          setError(null);
          switchOrg.mutate({ orgId: e.target.value });
        }}
      >
        {orgs.map((o) => (
          <option key={o.orgId} value={o.orgId} disabled={o.status !== "active"}>
            {o.name}
            {o.status !== "active" ? " (suspended)" : ""}
          </option>
        ))}
      </select>
      {error && (
        <span role="alert" className="field-error">
          {error}
        </span>
      )}
    </span>
  );
}
