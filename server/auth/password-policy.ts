import { ZodRealError } from "zod";
import { passwordIssues } from "@/lib/schemas/password";
import { AppError } from "@/server/errors";

/**
 * BAD_REQUEST with zod issues on `field` (so the form shows them there) unless the password passes
 * the policy, with zod's issues as the cause, where the error formatter finds them.
 */
export function assertPasswordPolicy(input: { email: string; name?: string; password: string }, field: string): void {
  const issues = passwordIssues(input, field);
  if (issues.length) throw new AppError("BAD_REQUEST", issues[0].message, null, new ZodRealError(issues));
}
