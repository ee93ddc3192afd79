import type { z } from "zod";

export type FieldErrors = Record<string, string>;

/** First message per field, from zod issues (client-side parse or the tRPC error's `zodIssues`). */
export function fieldErrors(
  issues: readonly Pick<z.core.$ZodIssue, "path" | "message">[] | null | undefined,
): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues ?? []) {
    const key = String(issue.path[0] ?? "form");
    out[key] ??= issue.message;
  }
  return out;
}

export const NO_CONNECTION = "No connection: this could not be saved. Try again when you are back online.";

/** Field errors and a readable message from a failed tRPC call. */
export function describeError(err: unknown): { message: string; fields: FieldErrors } {
  const e = err as { message?: string; data?: { zodIssues?: z.core.$ZodIssue[] | null } } | null;
  // No answer from the server at all (the request itself failed): say so, not "Failed to fetch".
  const offline = typeof navigator !== "undefined" && !navigator.onLine;
  if (offline || (e && !e.data && /failed to fetch|networkerror|load failed/i.test(e.message ?? "")))
    return { message: NO_CONNECTION, fields: {} };
  const fields = fieldErrors(e?.data?.zodIssues);
  const message = Object.keys(fields).length
    ? "Please correct the highlighted fields."
    : (e?.message ?? "Something went wrong.");
  return { message, fields };
}
