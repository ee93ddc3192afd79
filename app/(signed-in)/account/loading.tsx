import { LoadingState } from "@/app/_components/loading-state";

/** Shown while the page loads (inside this segment: layouts that answer 403 still do so first). */
export default function Loading() {
  return <LoadingState />;
}
