import { ForbiddenPage } from "./_components/error-shell";

export default function Forbidden() {
  return <ForbiddenPage />;
}
