"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { describeError } from "@/lib/forms";
import { useTRPC } from "@/lib/trpc/client";

/** The grantee ends their own emergency access early (asks first); the chart then closes. */
export function EndAccess({ grantId, patientName }: { grantId: string; patientName: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const end = useMutation(trpc.breakGlass.end.mutationOptions());
  return (
    <>
      <ConfirmButton
        title="End emergency access?"
        confirmLabel="End access"
        body={`You lose access to the chart of ${patientName} now. The access stays recorded for review.`}
        onConfirm={async () => {
          try {
            await end.mutateAsync({ id: grantId });
            router.replace("/patients");
          } catch (e) {
            setError(describeError(e).message);
          }
        }}
      >
        End access
      </ConfirmButton>
      {error && <span className="field-error">{error}</span>}
    </>
  );
}
