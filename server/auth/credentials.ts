import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client";
import { decoyHash, verifyPassword } from "./password";
import { claimAttempt, signInKeys } from "./throttle";

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
 * Checks an email and password before any request context exists, through the one SECURITY
 * DEFINER function that may read a password hash. Throttled per account and per client address
 * (`null`: unknown, only the account counts), counting first: the attempt is recorded before the
 * slow hash is verified, so a parallel burst gets at most the limit's worth of checks; success
 * forgives it. The session starts in the user's first active membership; a user whose every
 * membership is suspended cannot sign in.
 */
export async function checkCredentials(db: Db, raw: unknown, clientAddress: string | null = null): Promise<SignInResult> {
  const parsed = signInInput.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const { email, password } = parsed.data;
  const claim = await claimAttempt(db, signInKeys(email, clientAddress));
  if (!claim) return { ok: false, reason: "locked" };
  const rows = await db.execute<AuthRow>(sql`select * from app_auth_user(${email})`);
  const row = rows[0];
  const valid = await verifyPassword(row?.password_hash ?? (await decoyHash()), password);
  if (!row || !valid) return { ok: false, reason: "invalid" };
  await claim.forgive();
  const active = row.memberships.find((m) => m.status === "active");
  if (!active) return { ok: false, reason: "suspended" };
  return { ok: true, user: { id: row.id, name: row.name, email, orgId: active.orgId } };
}
