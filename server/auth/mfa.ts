import { createHash, randomBytes } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import QRCode from "qrcode";
import type { Tx } from "@/server/db/client";
import { mfaRecoveryCodes, userMfa } from "@/server/db/schema";
import { decryptSecret, encryptSecret, totpPurpose } from "./mfa-crypto";

/**
 * Two-factor authentication: RFC 6238 TOTP through `otpauth` (30 s, 6 digits, SHA-1,
 * the authenticator apps' default), ±1 step. Each code works once: the factor's `last_step`
 * records the step of the last accepted code and only a later step is accepted (the update is
 * conditional, so two parallel requests with one code cannot both pass). Recovery codes: 10, single
 * use, stored as SHA-256. Everything runs in a transaction whose context is the user (the policies
 * let a user touch only their own factor).
 */
export const TOTP_PERIOD = 30;
export const RECOVERY_CODE_COUNT = 10;
const ISSUER = "CareRoster";

const totpFor = (secret: string, label = "account") =>
  new TOTP({
    issuer: ISSUER,
    label,
    algorithm: "SHA1",
    digits: 6,
    period: TOTP_PERIOD,
    secret: Secret.fromBase32(secret),
  });

export const hashRecoveryCode = (code: string) =>
  createHash("sha256")
    .update(`recovery:${normalizeRecoveryCode(code)}`)
    .digest("hex");
const normalizeRecoveryCode = (code: string) => code.replace(/[\s-]/g, "").toLowerCase();

/** `xxxxx-xxxxx`: 50 bits each from an unambiguous alphabet. */
function newRecoveryCode(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  const bytes = randomBytes(10);
  const chars = Array.from(bytes, (b) => alphabet[b % alphabet.length]);
  return `${chars.slice(0, 5).join("")}-${chars.slice(5).join("")}`;
}

export interface MfaStatus {
  enrolled: boolean;
  pending: boolean;
  recoveryCodesLeft: number;
}

export async function mfaStatus(tx: Tx, userId: string): Promise<MfaStatus> {
  const [row] = await tx.select({ confirmedAt: userMfa.confirmedAt }).from(userMfa).where(eq(userMfa.userId, userId));
  const [codes] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(mfaRecoveryCodes)
    .where(and(eq(mfaRecoveryCodes.userId, userId), isNull(mfaRecoveryCodes.usedAt)));
  return {
    enrolled: Boolean(row?.confirmedAt),
    pending: Boolean(row && !row.confirmedAt),
    recoveryCodesLeft: codes?.n ?? 0,
  };
}

/**
 * Starts (or restarts) enrollment: a new secret, stored encrypted and unconfirmed. Answers what the
 * person needs once — the otpauth URI as a QR code (SVG, rendered here, no network) and the secret
 * as text. Refused while a confirmed factor exists (reset first: by an admin or with a recovery code).
 */
export async function beginEnrollment(
  tx: Tx,
  userId: string,
  email: string,
): Promise<{ secret: string; uri: string; qrDataUrl: string } | null> {
  const [existing] = await tx
    .select({ confirmedAt: userMfa.confirmedAt })
    .from(userMfa)
    .where(eq(userMfa.userId, userId));
  if (existing?.confirmedAt) return null;
  if (existing) await tx.delete(userMfa).where(eq(userMfa.userId, userId));
  const secret = new Secret({ size: 20 }).base32;
  // Only the granted columns (drizzle's insert would name every column, with DEFAULT).
  await tx.execute(
    sql`insert into user_mfa (user_id, secret_enc) values (${userId}, ${encryptSecret(secret, totpPurpose(userId))})`,
  );
  const uri = totpFor(secret, email).toString();
  // Rendered here as an SVG data URL (the CSP allows data: images; no third-party QR service).
  const svg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return { secret, uri, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}` };
}

/**
 * Checks a code against the user's factor (confirmed, or pending when `pending`), and records its
 * step so it never works again. Answers false for a wrong, reused or older code.
 */
export async function verifyTotp(
  tx: Tx,
  userId: string,
  code: string,
  opts: { pending?: boolean } = {},
): Promise<boolean> {
  const token = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(token)) return false;
  const [row] = await tx.select().from(userMfa).where(eq(userMfa.userId, userId));
  if (!row || Boolean(row.confirmedAt) === Boolean(opts.pending)) return false;
  const secret = decryptSecret(row.secretEnc, totpPurpose(userId));
  const now = Date.now();
  const delta = totpFor(secret).validate({ token, timestamp: now, window: 1 });
  if (delta === null) return false;
  const step = Math.floor(now / 1000 / TOTP_PERIOD) + delta;
  const updated = await tx
    .update(userMfa)
    .set({ lastStep: step, ...(opts.pending && { confirmedAt: sql`now()` as unknown as Date }) })
    .where(and(eq(userMfa.userId, userId), sql`${userMfa.lastStep} < ${step}`))
    .returning({ userId: userMfa.userId });
  return updated.length === 1;
}

/** Replaces the user's recovery codes with 10 new ones; answers them (shown once, stored hashed). */
export async function regenerateRecoveryCodes(tx: Tx, userId: string): Promise<string[]> {
  await tx.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await tx.execute(
    sql`insert into mfa_recovery_codes (user_id, code_hash) values ${sql.join(
      codes.map((c) => sql`(${userId}, ${hashRecoveryCode(c)})`),
      sql`, `,
    )}`,
  );
  return codes;
}

/** Uses one recovery code (once, ever). */
export async function spendRecoveryCode(tx: Tx, userId: string, code: string): Promise<boolean> {
  if (normalizeRecoveryCode(code).length < 10 || code.length > 64) return false;
  const used = await tx
    .update(mfaRecoveryCodes)
    .set({ usedAt: sql`now()` as unknown as Date })
    .where(
      and(
        eq(mfaRecoveryCodes.userId, userId),
        eq(mfaRecoveryCodes.codeHash, hashRecoveryCode(code)),
        isNull(mfaRecoveryCodes.usedAt),
      ),
    )
    .returning({ id: mfaRecoveryCodes.id });
  return used.length === 1;
}

/** Removes a user's factor and recovery codes (admin reset, or the user in the transaction that used a recovery code). */
export async function removeFactor(tx: Tx, userId: string): Promise<boolean> {
  const removed = await tx.delete(userMfa).where(eq(userMfa.userId, userId)).returning({ userId: userMfa.userId });
  await tx.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
  return removed.length > 0;
}

/** Whether the user has a confirmed factor (sign-in asks for a code only then). */
export async function hasConfirmedFactor(tx: Tx, userId: string): Promise<boolean> {
  const [row] = await tx.select({ confirmedAt: userMfa.confirmedAt }).from(userMfa).where(eq(userMfa.userId, userId));
  return Boolean(row?.confirmedAt);
}
