"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { SessionsList, type SessionRow } from "@/app/_components/sessions-list";
import { describeError } from "@/lib/forms";
import { useTRPC } from "@/lib/trpc/client";

/** The member's own live sessions; any other one can be ended (after a confirmation). */
export function MySessions({ initial, timeZone }: { initial: SessionRow[]; timeZone: string }) {
  const trpc = useTRPC();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const sessions = useQuery({ ...trpc.me.sessions.queryOptions(), initialData: initial });
  const done = {
    onSuccess: () => {
      setMessage({ ok: true, text: "Signed out." });
      void sessions.refetch();
    },
    onError: (e: unknown) => setMessage({ ok: false, text: describeError(e).message }),
  };
  const end = useMutation(trpc.me.endSession.mutationOptions(done));
  const endOthers = useMutation(trpc.me.endOtherSessions.mutationOptions(done));
  const list = sessions.data ?? [];
  const others = list.filter((s) => !s.current).length;
  return (
    <>
      {sessions.isFetching && (
        <p className="visually-hidden" role="status">
          Loading sessions…
        </p>
      )}
      <SessionsList
        sessions={list}
        label="Your sessions"
        timeZone={timeZone}
        action={(s) =>
          s.current ? null : (
            <ConfirmButton
              title={`Sign out ${s.device}?`}
              body="Whoever uses that session will have to sign in again."
              confirmLabel="Sign it out"
              disabled={end.isPending}
              onConfirm={() => end.mutateAsync({ sessionId: s.id }).catch(() => undefined)}
            >
              Sign out <span className="visually-hidden">{s.device}</span>
            </ConfirmButton>
          )
        }
      />
      {others > 1 && (
        <p>
          <ConfirmButton
            title={`Sign out all ${others} other sessions?`}
            body="This device stays signed in; the others will have to sign in again."
            confirmLabel="Sign them out"
            disabled={endOthers.isPending}
            onConfirm={() => endOthers.mutateAsync().catch(() => undefined)}
          >
            Sign out all other sessions
          </ConfirmButton>
        </p>
      )}
      {message && (
        <p className={message.ok ? "notice" : "alert"} role="status">
          {message.text}
        </p>
      )}
    </>
  );
}
