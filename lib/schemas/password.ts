import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as zxcvbnCommon from "@zxcvbn-ts/language-common";
import * as zxcvbnEn from "@zxcvbn-ts/language-en";
import { z } from "zod";

/** Shared by the server (every procedure that sets a password) and the forms (live feedback). */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MIN_SCORE = 3; // zxcvbn: 0 (too guessable) … 4 (very unguessable)

let factory: ZxcvbnFactory | undefined;
// Built on first use: the dictionaries are large and only set-password screens need them.
const estimator = () =>
  (factory ??= new ZxcvbnFactory({
    translations: zxcvbnEn.translations,
    graphs: zxcvbnCommon.adjacencyGraphs,
    dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEn.dictionary },
  }));

export interface PasswordStrength {
  score: 0 | 1 | 2 | 3 | 4;
  warning: string | null;
  suggestions: string[];
  ok: boolean;
}

/** zxcvbn's estimate, with the person's own email and name as words an attacker would try first. */
export function passwordStrength(
  password: string,
  userInputs: readonly (string | null | undefined)[] = [],
): PasswordStrength {
  // The whole value, its words, and the email's local part run together ("reset.me" → "resetme").
  const inputs = userInputs.flatMap((v) =>
    v ? [v, ...v.split(/[@.\s_-]+/).filter((w) => w.length >= 3), v.split("@")[0].replace(/[^\p{L}\p{N}]/gu, "")] : [],
  );
  const result = estimator().check(password.slice(0, 256), inputs);
  const score = result.score as PasswordStrength["score"];
  return {
    score,
    warning: result.feedback.warning || null,
    suggestions: result.feedback.suggestions,
    ok: password.length >= PASSWORD_MIN_LENGTH && score >= PASSWORD_MIN_SCORE,
  };
}

/**
 * The policy for every new password (NIST 800-63B style: length and guessability, no composition
 * rules): at least 12 characters, zxcvbn score ≥ 3 given the email and name, not the email.
 * Issues are on `password`, with zxcvbn's warning and suggestions as the message.
 */
export const newPasswordSchema = z
  .object({
    email: z.string(),
    name: z.string().optional(),
    password: z
      .string()
      .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters`)
      .max(256, "Use at most 256 characters"),
  })
  .superRefine(({ email, name, password }, ctx) => {
    if (password.length < PASSWORD_MIN_LENGTH || password.length > 256) return;
    const lower = password.toLowerCase();
    if (email && (lower.includes(email.toLowerCase()) || lower === email.split("@")[0].toLowerCase())) {
      ctx.addIssue({ code: "custom", path: ["password"], message: "Do not use your email address" });
      return;
    }
    const strength = passwordStrength(password, [email, name]);
    if (strength.score < PASSWORD_MIN_SCORE) {
      const message = [strength.warning ?? "This password is too easy to guess.", ...strength.suggestions].join(" ");
      ctx.addIssue({
        code: "custom",
        path: ["password"],
        message,
        params: { score: strength.score, warning: strength.warning, suggestions: strength.suggestions },
      });
    }
  });

/** Runs the policy for a procedure; throws nothing, returns the issues re-pathed onto `field`. */
export function passwordIssues(
  input: { email: string; name?: string; password: string },
  field: string,
): z.core.$ZodIssue[] {
  const parsed = newPasswordSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => ({ ...i, path: [field] }));
}

/** A form's new-password field for this person: the policy's issues land on the field itself, beside the others. */
export const newPasswordFor = (person: { email: string; name?: string }) =>
  z.string().superRefine((password, ctx) => {
    const parsed = newPasswordSchema.safeParse({ ...person, password });
    for (const issue of parsed.success ? [] : parsed.error.issues)
      ctx.addIssue({ code: "custom", message: issue.message });
  });

export const changePasswordInput = z.object({
  currentPassword: z.string().min(1, "Enter your current password").max(1024),
  newPassword: z.string().max(256),
});
