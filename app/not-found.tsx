import { ErrorShell } from "./_components/error-shell";

/** One page for a record that does not exist and one the caller may not see: no existence oracle. */
export default function NotFound() {
  return (
    <ErrorShell title="Not found">
      <p>There is nothing at this address that you can see.</p>
    </ErrorShell>
  );
}
