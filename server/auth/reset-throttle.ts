import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";

// Forgot-password requests: 3 per email and 10 per client address in 15 minutes.
export const RESET_THROTTLE = { windowMinutes: 15, perEmail: 3, perAddress: 10 } as const;

const key = (kind: string, value: string) => createHash("sha256").update(`${kind}:${value.trim().toLowerCase()}`).digest("hex");

/**
 * Counts the request first, then decides (so a parallel burst cannot slip past the limit): each
 * statement commits on its own, so the n-th request to commit sees at least n. Reuses the sign-in
 * throttle's table and functions (drizzle/0005) under keys of their own; only hashes are stored.
 */
export async function allowResetRequest(db: Db, email: string, address: string): Promise<boolean> {
  const byEmail = key("reset-email", email);
  const byAddress = key("reset-ip", address);
  await db.execute(sql`select app_login_record_failure(array[${byEmail}, ${byAddress}]::text[])`);
  const window = sql`make_interval(mins => ${RESET_THROTTLE.windowMinutes})`;
  const [row] = await db.execute<{ email: number; address: number }>(
    sql`select app_login_failures(array[${byEmail}]::text[], ${window}) as email, app_login_failures(array[${byAddress}]::text[], ${window}) as address`,
  );
  return row.email <= RESET_THROTTLE.perEmail && row.address <= RESET_THROTTLE.perAddress;
}
