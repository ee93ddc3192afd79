import { z } from "zod";
import { SMART_SCOPES } from "@/lib/smart-scopes";

/**
 * A redirect URI an app registers: an absolute https URL, or http on the loopback address (a
 * development app), with no fragment. Matched exactly, character for character, at authorization.
 */
export const redirectUri = z
  .string()
  .trim()
  .max(500)
  .refine((value) => {
    try {
      const u = new URL(value);
      const loopback = u.hostname === "localhost" || u.hostname === "127.0.0.1" || u.hostname === "[::1]";
      return !u.hash && !value.includes("#") && (u.protocol === "https:" || (u.protocol === "http:" && loopback));
    } catch {
      return false;
    }
  }, "Enter an https address (http only on localhost), with no # part.");

export const registerAppInput = z.object({
  name: z.string().trim().min(2, "Enter the app's name (2 characters or more).").max(80),
  redirectUris: z
    .array(redirectUri)
    .min(1, "Enter at least one redirect URI.")
    .max(10, "At most 10 redirect URIs.")
    .refine((uris) => new Set(uris).size === uris.length, "Each redirect URI once."),
  confidential: z.boolean(),
  scopes: z
    .array(z.enum(SMART_SCOPES as [string, ...string[]]))
    .min(1, "Choose at least one scope.")
    .max(20),
});
export type RegisterAppInput = z.output<typeof registerAppInput>;

export const appIdInput = z.object({ appId: z.uuid() });

/** What the consent screen sends back: the authorization request as the page checked it, and the choice. */
export const consentInput = z.object({
  clientId: z.string().min(1).max(100),
  redirectUri: z.string().min(1).max(500),
  scope: z.string().max(2000),
  state: z.string().max(500).optional(),
  codeChallenge: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "code_challenge must be an S256 challenge"),
  nonce: z.string().max(500).optional(),
  patientId: z.uuid({ error: "Choose a patient." }).optional(),
});
export type ConsentInput = z.output<typeof consentInput>;
export const denyInput = consentInput.pick({ clientId: true, redirectUri: true, state: true });
