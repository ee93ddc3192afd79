import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Db, Tx } from "@/server/db/client";

// Per account: 5 attempts in 15 minutes (sign-in and password change together), then locked for
// the rest of the window; per client address: 20. A successful check forgives its own attempt
// and the account's earlier failures.
export const THROTTLE = { windowMinutes: 15, perAccount: 5, perAddress: 20 } as const;
// The second factor (TOTP or recovery code) per account: 20 wrong codes lock the second step for the window.
export const SECOND_FACTOR_THROTTLE = { windowMinutes: 15, perAccount: 20 } as const;
// Break-glass directory searches per user.
export const DIRECTORY_THROTTLE = { windowMinutes: 5, perUser: 30 } as const;
// Forgot-password requests: per email and per client address.
export const RESET_THROTTLE = { windowMinutes: 15, perEmail: 3, perAddress: 10 } as const;

type Kind = "email" | "ip" | "directory" | "reset-email" | "reset-ip" | "second-factor";
/** `array[$1, $2, …]::type[]`: one parameter per element (a JS array in drizzle's sql is a list, not an array). */
const pgArray = (values: (string | number)[], type: "text" | "int" | "bigint") =>
  sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::${sql.raw(type)}[]`;

const key = (kind: Kind, value: string) =>
  createHash("sha256").update(`${kind}:${value.trim().toLowerCase()}`).digest("hex");

export interface ThrottleKey {
  hash: string;
  limit: number;
}

/** The sign-in keys: the account (by email) and, when the server knows it, the client address. */
export function signInKeys(email: string, address: string | null): ThrottleKey[] {
  const keys: ThrottleKey[] = [{ hash: key("email", email), limit: THROTTLE.perAccount }];
  if (address) keys.push({ hash: key("ip", address), limit: THROTTLE.perAddress });
  return keys;
}

/** The account key alone (password change shares it with sign-in: one budget of guesses per password). */
export const accountKey = (email: string): ThrottleKey => ({ hash: key("email", email), limit: THROTTLE.perAccount });

/** Forgot-password keys: the email and, when the server knows it, the client address. */
export function resetKeys(email: string, address: string | null): ThrottleKey[] {
  const keys: ThrottleKey[] = [{ hash: key("reset-email", email), limit: RESET_THROTTLE.perEmail }];
  if (address) keys.push({ hash: key("reset-ip", address), limit: RESET_THROTTLE.perAddress });
  return keys;
}

/** The second step's key (by user id: only an account whose password was right gets this far). */
export const secondFactorKey = (userId: string): ThrottleKey => ({
  hash: key("second-factor", userId),
  limit: SECOND_FACTOR_THROTTLE.perAccount,
});

export const directoryKey = (userId: string): ThrottleKey => ({
  hash: key("directory", userId),
  limit: DIRECTORY_THROTTLE.perUser,
});

/** A claimed attempt: `forgive()` after the check succeeded. */
export interface Claim {
  forgive(): Promise<void>;
}

/**
 * Counts first: records one attempt under every key BEFORE the slow check, atomically (per-key
 * advisory lock, count, insert — app_throttle_claim()), so a parallel burst cannot pass the limit.
 * Answers null when a key is at its limit (nothing recorded). Runs on `db` outside any request
 * transaction, so the attempt stays recorded when the request fails; pass a `tx` only when the
 * attempt should count only if the request commits (the directory).
 */
export async function claimAttempt(
  db: Db | Tx,
  keys: ThrottleKey[],
  windowMinutes: number = THROTTLE.windowMinutes,
): Promise<Claim | null> {
  const hashes = keys.map((k) => k.hash);
  const limits = keys.map((k) => k.limit);
  const [row] = await db.execute<{ ids: string[] | null }>(
    sql`select app_throttle_claim(${pgArray(hashes, "text")}, ${pgArray(limits, "int")}, make_interval(mins => ${windowMinutes})) as ids`,
  );
  const ids = row?.ids;
  if (!ids) return null;
  return {
    // The attempt's own rows, and the earlier failures of the account key (the first key).
    forgive: async () => {
      await db.execute(
        sql`select app_throttle_forgive(${pgArray(ids.map(String), "bigint")}, ${pgArray([hashes[0]], "text")})`,
      );
    },
  };
}
