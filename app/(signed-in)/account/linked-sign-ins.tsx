"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { describeError } from "@/lib/forms";
import { formatDateTime } from "@/lib/time";
import { useTRPC } from "@/lib/trpc/client";
import type { RouterOutputs } from "@/server/trpc/types";

type Identity = RouterOutputs["me"]["identities"][number];

const how = (via: string) =>
  via === "proof" ? "linked after you signed in with your password" : "created your account";

/** The practices' sign-ins that may open this account; each can be unlinked (after a confirmation). */
export function LinkedSignIns({ initial, timeZone }: { initial: Identity[]; timeZone: string }) {
  const trpc = useTRPC();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const identities = useQuery({ ...trpc.me.identities.queryOptions(), initialData: initial });
  const unlink = useMutation(
    trpc.me.unlinkIdentity.mutationOptions({
      onSuccess: () => {
        setMessage({ ok: true, text: "Unlinked. That sign-in no longer opens your account." });
        void identities.refetch();
      },
      onError: (e) => setMessage({ ok: false, text: describeError(e).message }),
    }),
  );
  const list = identities.data ?? [];
  return (
    <>
      {list.length === 0 ? (
        <p className="muted">No practice&apos;s sign-in is linked to your account: only your password opens it.</p>
      ) : (
        <ul className="plain sessions" aria-label="Linked sign-ins">
          {list.map((i) => (
            <li key={i.id}>
              <span>
                <strong>{i.practice ?? "A practice"}</strong> · {i.email}
                <br />
                <span className="muted">
                  {new URL(i.issuer).host}: {how(i.linkedVia)}, {formatDateTime(new Date(i.linkedAt), timeZone)}
                </span>
              </span>
              <ConfirmButton
                title={`Unlink ${i.practice ?? "this"} sign-in?`}
                body="It will no longer open your account. You can still sign in with your password, if you have one; linking again needs your password and code."
                confirmLabel="Unlink"
                disabled={unlink.isPending}
                onConfirm={() => unlink.mutateAsync({ id: i.id }).catch(() => undefined)}
              >
                Unlink <span className="visually-hidden">{i.practice} sign-in</span>
              </ConfirmButton>
            </li>
          ))}
        </ul>
      )}
      {message && (
        <p className={message.ok ? "notice" : "alert"} role="status">
          {message.text}
        </p>
      )}
    </>
  );
}
