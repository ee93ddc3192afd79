import { z } from "zod";

/** A 6-digit TOTP code as typed (spaces allowed). */
export const totpCode = z
  .string()
  .trim()
  .transform((v) => v.replace(/\s/g, ""))
  .pipe(z.string().regex(/^\d{6}$/, "Enter the 6-digit code from your authenticator app."));

export const confirmEnrollmentInput = z.object({ code: totpCode });

export const recoveryCodeInput = z.object({
  recoveryCode: z.string().trim().min(10, "Enter one of your recovery codes.").max(64),
});

export const mfaPolicies = ["off", "admins", "everyone"] as const;
export type MfaPolicy = (typeof mfaPolicies)[number];
export const mfaPolicyInput = z.object({ policy: z.enum(mfaPolicies) });

export const resetMemberFactorInput = z.object({ userId: z.uuid() });

const isLoopback = (host: string) => host === "localhost" || host === "127.0.0.1" || host === "[::1]";

/** An issuer URL: https, or http on this machine's loopback (a test identity provider). */
export const issuerUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((v) => {
    try {
      const u = new URL(v);
      return (
        (u.protocol === "https:" || (u.protocol === "http:" && isLoopback(u.hostname))) &&
        !u.search &&
        !u.hash &&
        !u.username
      );
    } catch {
      return false;
    }
  }, "Enter the issuer URL (https://…), exactly as the provider names it.")
  .transform((v) => v.replace(/\/+$/, ""));

export const ssoConfigInput = z.object({
  issuer: issuerUrl,
  clientId: z.string().trim().min(1, "Enter the client id.").max(512),
  /** Empty keeps the stored secret (it is never sent back to the browser). */
  clientSecret: z.string().trim().max(2048).optional(),
});

export const ssoLookupInput = z.object({ email: z.string().trim().toLowerCase().email().max(320) });
