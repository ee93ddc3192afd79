import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";

// Per account: 5 failures in 15 minutes locks it for the rest of the window; per client address: 20.
export const THROTTLE = { windowMinutes: 15, perAccount: 5, perAddress: 20 } as const;

const key = (kind: "email" | "ip", value: string) => createHash("sha256").update(`${kind}:${value.trim().toLowerCase()}`).digest("hex");

export function throttleKeys(email: string, address: string) {
  return { account: key("email", email), address: key("ip", address) };
}

async function failures(db: Db, k: string): Promise<number> {
  const [row] = await db.execute<{ n: number }>(sql`select app_login_failures(array[${k}]::text[], make_interval(mins => ${THROTTLE.windowMinutes})) as n`);
  return row.n;
}

export async function isLocked(db: Db, keys: ReturnType<typeof throttleKeys>): Promise<boolean> {
  const [account, address] = await Promise.all([failures(db, keys.account), failures(db, keys.address)]);
  return account >= THROTTLE.perAccount || address >= THROTTLE.perAddress;
}

export async function recordFailure(db: Db, keys: ReturnType<typeof throttleKeys>): Promise<void> {
  await db.execute(sql`select app_login_record_failure(array[${keys.account}, ${keys.address}]::text[])`);
}

export async function clearAccount(db: Db, keys: ReturnType<typeof throttleKeys>): Promise<void> {
  await db.execute(sql`select app_login_clear(${keys.account})`);
}
