import type { ReactNode } from "react";

/** The end of a form: its failure (announced), then the submit button, disabled while the save runs. */
export function FormFooter({
  error,
  pending,
  pendingLabel,
  children,
}: {
  error: string | null;
  pending: boolean;
  pendingLabel: string;
  children: ReactNode;
}) {
  return (
    <>
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      <p>
        <button type="submit" disabled={pending}>
          {pending ? pendingLabel : children}
        </button>
      </p>
    </>
  );
}
