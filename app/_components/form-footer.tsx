import type { ReactNode } from "react";
import { FormMessage } from "./form-message";

/** The end of a form: its outcome (announced), then the submit button, disabled while the save runs. */
export function FormFooter({
  message,
  pending,
  pendingLabel,
  children,
}: {
  message: { ok: boolean; text: string } | null;
  pending: boolean;
  pendingLabel: string;
  children: ReactNode;
}) {
  return (
    <>
      <FormMessage message={message} />
      <p>
        <button type="submit" disabled={pending}>
          {pending ? pendingLabel : children}
        </button>
      </p>
    </>
  );
}
