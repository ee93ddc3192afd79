import { NotFoundPage } from "@/app/_components/error-shell";

/** Inside the signed-in layout, which shows the header already: one header, not two. */
export default function NotFound() {
  return <NotFoundPage header={false} />;
}
