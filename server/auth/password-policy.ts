import { TRPCError } from "@trpc/server";
import { ZodRealError } from "zod";
import { passwordIssues } from "../../lib/schemas/password";

/**
 * BAD_REQUEST with zod issues on `field` (so the form shows them there) unless the password passes
 * the policy. ZodRealError (what zod's own parse throws) is an Error, so tRPC keeps it as the cause
 * and the error formatter finds the issues; a plain `new ZodError()` is not and would be wrapped.
 */
export function assertPasswordPolicy(input: { email: string; name?: string; password: string }, field: string): void {
  const issues = passwordIssues(input, field);
  if (issues.length)
    throw new TRPCError({ code: "BAD_REQUEST", message: issues[0].message, cause: new ZodRealError(issues) });
}
