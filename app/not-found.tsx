import { NotFoundPage } from "./_components/error-shell";

/** An address outside the signed-in pages: the shell brings its own header. */
export default function NotFound() {
  return <NotFoundPage />;
}
