/**
 * The errors the UI acts on, by code: pages and forms branch on `appCode` (tRPC's `data.appCode`),
 * never on a sentence. Each has the API status it answers with and the sentence a person reads.
 */
export const APP_ERRORS = {
  SIGN_IN_REQUIRED: { status: "UNAUTHORIZED", message: "Please sign in." },
  SESSION_ENDED: { status: "UNAUTHORIZED", message: "Your session has ended. Please sign in again." },
  MFA_ENROLLMENT_REQUIRED: {
    status: "FORBIDDEN",
    message: "Your practice requires two-factor authentication. Set it up on your account page first.",
  },
  /** A session opened by one practice's sign-in does not count for another practice. */
  STEP_UP_REQUIRED: {
    status: "FORBIDDEN",
    message: "That practice needs its own sign-in. Sign in for it to continue.",
  },
  PRACTICE_CHANGED: {
    status: "FORBIDDEN",
    message: "You switched practice in another tab. Reload the page to continue.",
  },
  PRACTICE_REQUIRED: { status: "FORBIDDEN", message: "Choose a practice first." },
  ADMIN_REQUIRED: { status: "FORBIDDEN", message: "This needs a practice admin." },
  /** Registration found possible duplicates: the form shows them and asks for a reason to go ahead. */
  POSSIBLE_DUPLICATE: {
    status: "CONFLICT",
    message:
      "This may be a patient the practice already has. Check the possible duplicates, or give a reason to create anyway.",
  },
  /** A merged chart is a redirect to the chart it was merged into; it cannot be restored or merged again. */
  MERGED_CHART: { status: "CONFLICT", message: "This chart was merged into another chart; open that one instead." },
  /** An edit based on details someone else has changed since: the form offers their change or yours on top. */
  STALE_EDIT: {
    status: "CONFLICT",
    message: "Someone else changed these details while you were editing. Your edit was not saved.",
  },
  /** The connection to the database broke or could not be made (a failover, a restart): retry shortly. */
  DATABASE_UNAVAILABLE: {
    status: "SERVICE_UNAVAILABLE",
    message:
      "The database is not reachable for a moment (it may be switching servers). Try again in a few seconds; if you were saving a change, check whether it is there first.",
  },
  /** The server answered but takes no writes (a demoted leader, a standby): the request was rolled back. */
  DATABASE_READ_ONLY: {
    status: "SERVICE_UNAVAILABLE",
    message:
      "The database is read-only while its cluster recovers, so nothing can be opened or saved for the moment (nothing was changed). Try again in a minute.",
  },
} as const satisfies Record<string, { status: ApiStatus; message: string }>;

export type AppCode = keyof typeof APP_ERRORS;

/** The tRPC error codes the API answers with. */
export type ApiStatus =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PRECONDITION_FAILED"
  | "TOO_MANY_REQUESTS"
  | "INTERNAL_SERVER_ERROR"
  | "SERVICE_UNAVAILABLE";

/** The app code of an error the tRPC client received, if it has one. */
export function appCodeOf(err: unknown): AppCode | null {
  const code = (err as { data?: { appCode?: unknown } } | null)?.data?.appCode;
  return typeof code === "string" && Object.hasOwn(APP_ERRORS, code) ? (code as AppCode) : null;
}
