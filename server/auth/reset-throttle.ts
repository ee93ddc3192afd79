import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";

// Forgot-password requests: 3 per email and 10 per client address in 15 minutes.
export const RESET_THROTTLE = { windowMinutes: 15, perEmail: 3, perAddress: 10 } as const;

const key = (kind: string, value: string) => createHash("sha256").update(`${kind}:${value.trim().toLowerCase()}`).digest("hex");

/**
 * Counts the request first, then decides, per key under a transaction-scoped advisory lock (always
 * the email's key before the address's, so two requests cannot wait on each other): the n-th
 * request for a key sees exactly n, and a parallel burst gets exactly the limit through. Reuses
 * the sign-in throttle's table and functions (drizzle/0005) under keys of its own; only hashes are stored.
 */
export async function allowResetRequest(db: Db, email: string, address: string): Promise<boolean> {
  const byEmail = key("reset-email", email);
  const byAddress = key("reset-ip", address);
  const window = sql`make_interval(mins => ${RESET_THROTTLE.windowMinutes})`;
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${byEmail}, 0))`);
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${byAddress}, 0))`);
    await tx.execute(sql`select app_login_record_failure(array[${byEmail}, ${byAddress}]::text[])`);
    const [row] = await tx.execute<{ email: number; address: number }>(
      sql`select app_login_failures(array[${byEmail}]::text[], ${window}) as email, app_login_failures(array[${byAddress}]::text[], ${window}) as address`,
    );
    return row.email <= RESET_THROTTLE.perEmail && row.address <= RESET_THROTTLE.perAddress;
  });
}
