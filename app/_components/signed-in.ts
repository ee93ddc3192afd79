import "server-only";
import { TRPCError } from "@trpc/server";
import { notFound, redirect } from "next/navigation";

/** Maps a procedure's error to the page's answer: sign-in for no session, the 404 page for hidden or missing rows. */
export async function orPage<T>(promise: Promise<T>, callbackUrl: string): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    if (err instanceof TRPCError && err.code === "UNAUTHORIZED") redirect(`/login?callbackUrl=${encodeURIComponent(callbackUrl)}`);
    if (err instanceof TRPCError && err.code === "NOT_FOUND") notFound();
    throw err;
  }
}
