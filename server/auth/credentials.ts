import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client";
import { decoyHash, verifyPassword } from "./password";
import { clearAccount, isLocked, recordFailure, throttleKeys } from "./throttle";

export const signInInput = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  password: z.string().min(1).max(1024),
});

export type SignInResult =
  | { ok: true; user: { id: string; name: string; email: string; orgId: string } }
  | { ok: false; reason: "invalid" | "suspended" | "locked" };

type AuthRow = {
  id: string;
  name: string;
  password_hash: string;
  memberships: { orgId: string; role: string; status: string }[];
};

/**
 * Checks an email and password before any request context exists (throttled per account and
 * per client address), through the one
 * SECURITY DEFINER function that may read a password hash. The session starts in the user's
 * first active membership; a user whose every membership is suspended cannot sign in.
 */
export async function checkCredentials(db: Db, raw: unknown, clientAddress = "unknown"): Promise<SignInResult> {
  const parsed = signInInput.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const { email, password } = parsed.data;
  const keys = throttleKeys(email, clientAddress);
  if (await isLocked(db, keys)) return { ok: false, reason: "locked" };
  const rows = await db.execute<AuthRow>(sql`select * from app_auth_user(${email})`);
  const row = rows[0];
  const valid = await verifyPassword(row?.password_hash ?? (await decoyHash()), password);
  if (!row || !valid) {
    await recordFailure(db, keys);
    return { ok: false, reason: "invalid" };
  }
  await clearAccount(db, keys);
  const active = row.memberships.find((m) => m.status === "active");
  if (!active) return { ok: false, reason: "suspended" };
  return { ok: true, user: { id: row.id, name: row.name, email, orgId: active.orgId } };
}
