import { z } from "zod";
import { memberRoleInput } from "./admin";

// Trimmed and lower-cased before the format check (zod 4's z.email() checks the raw string).
const emailInput = z
  .string()
  .trim()
  .toLowerCase()
  .max(320, "Use at most 320 characters")
  .pipe(z.email("Enter a valid email address"));

/** Emailed tokens: 32 random bytes, base64url (43 characters). Anything else is not a token. */
export const tokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "This link is not valid");

export const inviteInput = z.object({
  email: emailInput,
  name: z.string().trim().min(1, "Name is required").max(200),
  role: memberRoleInput,
});
export const invitationIdInput = z.object({ invitationId: z.uuid() });

export const invitationTokenInput = z.object({ token: tokenSchema });
export const acceptNewInput = z.object({
  token: tokenSchema,
  name: z.string().trim().min(1, "Name is required").max(200),
  password: z.string().max(256),
});
export const acceptExistingInput = z.union([z.object({ token: tokenSchema }), z.object({ invitationId: z.uuid() })]);

export const forgotPasswordInput = z.object({ email: emailInput });
export const resetPasswordInput = z.object({ token: tokenSchema, password: z.string().max(256) });
