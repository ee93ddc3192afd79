import "server-only";
import { TRPCError } from "@trpc/server";
import { forbidden, notFound, redirect } from "next/navigation";
import { AppError } from "@/server/errors";

/** Maps a procedure's error to the page's answer: sign-in for no session, 404 for hidden or missing rows, 403 for a refused role. */
export async function orPage<T>(promise: Promise<T>, callbackUrl: string): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    if (err instanceof TRPCError && err.code === "UNAUTHORIZED")
      redirect(`/login?callbackUrl=${encodeURIComponent(callbackUrl)}`);
    if (err instanceof TRPCError && err.code === "NOT_FOUND") notFound();
    // The practice requires two-factor and this member has not enrolled: to enrollment, whatever the page.
    const appCode = err instanceof TRPCError && err.cause instanceof AppError ? err.cause.appCode : null;
    if (appCode === "MFA_ENROLLMENT_REQUIRED") redirect("/account#two-factor");
    // Another tab switched the session's practice: the cookie catches up, then this page opens there.
    if (appCode === "PRACTICE_CHANGED") redirect(`/session-sync?next=${encodeURIComponent(callbackUrl)}`);
    if (err instanceof TRPCError && err.code === "FORBIDDEN") forbidden();
    throw err;
  }
}
