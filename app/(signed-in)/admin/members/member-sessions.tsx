"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { SessionsList } from "@/app/_components/sessions-list";
import { describeError } from "@/lib/forms";
import { useTRPC } from "@/lib/trpc/client";

/** An admin's view of a member's live sessions, loaded on demand, with "sign out everywhere". */
export function MemberSessions({ userId, name, timeZone }: { userId: string; name: string; timeZone: string }) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const panelId = useId();
  const sessions = useQuery({ ...trpc.admin.members.sessions.queryOptions({ userId }), enabled: open });
  const signOut = useMutation(
    trpc.admin.members.signOutEverywhere.mutationOptions({
      onSuccess: (r) => {
        setMessage({ ok: true, text: `${name} was signed out of ${r.ended} session${r.ended === 1 ? "" : "s"}.` });
        void sessions.refetch();
      },
      onError: (e) => setMessage({ ok: false, text: describeError(e).message }),
    }),
  );
  return (
    <>
      <button
        type="button"
        className="secondary"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen(!open)}
      >
        Sessions <span className="visually-hidden">of {name}</span>
      </button>
      {open && (
        <div id={panelId} className="member-sessions">
          {sessions.isLoading ? (
            <p className="muted" role="status">
              Loading sessions…
            </p>
          ) : sessions.isError ? (
            <p className="alert" role="alert">
              {describeError(sessions.error).message}
            </p>
          ) : (
            <SessionsList sessions={sessions.data ?? []} label={`Sessions of ${name}`} timeZone={timeZone} />
          )}
          {(sessions.data?.length ?? 0) > 0 && (
            <ConfirmButton
              title={`Sign ${name} out everywhere?`}
              body="Every session on every device ends at once; they can sign in again."
              confirmLabel="Sign out everywhere"
              disabled={signOut.isPending}
              onConfirm={() => signOut.mutateAsync({ userId }).catch(() => undefined)}
            >
              Sign out everywhere <span className="visually-hidden">{name}</span>
            </ConfirmButton>
          )}
          {message && (
            <p className={message.ok ? "notice" : "alert"} role="status">
              {message.text}
            </p>
          )}
        </div>
      )}
    </>
  );
}
