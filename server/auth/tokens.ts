import { createHash, randomBytes } from "node:crypto";

/** An emailed single-use token (32 random bytes, base64url) and the SHA-256 the database keeps. */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashToken(token) };
}

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");
