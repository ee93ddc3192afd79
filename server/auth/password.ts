import { hash, verify } from "@node-rs/argon2";
import { sql } from "drizzle-orm";
import { getAuthDb } from "@/server/db/client";

// argon2id (the library's default algorithm) with OWASP's baseline: 19 MiB, 2 passes.
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => hash(password, OPTIONS);

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) return false;
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Verified against when the email is unknown, so a miss costs the same time as a wrong password.
let decoy: Promise<string> | undefined;
export const decoyHash = () => (decoy ??= hashPassword("decoy-password-for-timing"));

/**
 * Whether `password` is the account's, checked through the sign-in path's pool: the runtime role
 * cannot read a hash (app_auth_user is careroster_auth's). An account without a password (made by a
 * practice's sign-in) matches nothing; an unknown email costs the same time.
 */
export async function passwordMatches(email: string, password: string): Promise<boolean> {
  const [row] = await getAuthDb().execute<{ password_hash: string | null }>(
    sql`select password_hash from app_auth_user(${email})`,
  );
  if (!row?.password_hash) {
    await verifyPassword(await decoyHash(), password);
    return false;
  }
  return verifyPassword(row.password_hash, password);
}
