import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { env } from "@/server/env";

/**
 * AES-256-GCM for secrets at rest (TOTP secrets, SSO client secrets). The key is
 * `MFA_ENCRYPTION_KEY` (32 bytes as base64/base64url or 64 hex digits); `npm start` generates
 * one into `.data/mfa-key` for the embedded default, like the auth secret. Ciphertext format:
 * `v1.<iv>.<tag>.<data>` (base64url), with a purpose string as associated data so a TOTP
 * ciphertext cannot be replayed as an SSO secret or moved to another user.
 */
function key(): Buffer {
  const raw = env().MFA_ENCRYPTION_KEY;
  if (!raw) throw new Error("MFA_ENCRYPTION_KEY is not set.");
  return /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, "hex") : Buffer.from(raw, "base64url");
}

export function encryptSecret(plain: string, purpose: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  cipher.setAAD(Buffer.from(purpose));
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), data.toString("base64url")].join(
    ".",
  );
}

export function decryptSecret(sealed: string, purpose: string): string {
  const [v, iv, tag, data] = sealed.split(".");
  if (v !== "v1" || !iv || !tag || data === undefined) throw new Error("Unreadable secret.");
  const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(purpose));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
}

export const totpPurpose = (userId: string) => `totp:${userId}`;
export const ssoPurpose = (orgId: string) => `sso:${orgId}`;
