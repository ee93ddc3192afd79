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

/** Field errors and a readable message from a failed tRPC call. */
export function describeError(err: unknown): { message: string; fields: FieldErrors } {
  const e = err as { message?: string; data?: { zodIssues?: z.core.$ZodIssue[] | null } } | null;
  const fields = fieldErrors(e?.data?.zodIssues);
  const message = Object.keys(fields).length
    ? "Please correct the highlighted fields."
    : (e?.message ?? "Something went wrong.");
  return { message, fields };
}
