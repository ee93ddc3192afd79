import { ErrorShell } from "./_components/error-shell";

export default function Forbidden() {
  return (
    <ErrorShell title="403 — practice admins only">
      <p>You need to be an active admin of this practice to open this page.</p>
    </ErrorShell>
  );
}
