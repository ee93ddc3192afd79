import { sql } from "drizzle-orm";
import { bigint, index, pgPolicy, pgTable, text } from "drizzle-orm/pg-core";
import { runtime } from "./rls";
import { timestamptz } from "./time";

/**
 * Failed sign-ins, for throttling. Keys are SHA-256 hashes (of the lower-cased email, or of the
 * client address), so the table holds no personal data in clear. Only the SECURITY DEFINER
 * functions in drizzle/0005 touch it: the runtime role's policy is an explicit "nothing".
 */
export const loginAttempts = pgTable(
  "login_attempts",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    keyHash: text("key_hash").notNull(),
    at: timestamptz("at").notNull().defaultNow(),
  },
  (t) => [
    index("login_attempts_key_at_idx").on(t.keyHash, t.at),
    pgPolicy("login_attempts_none", { for: "all", to: runtime, using: sql`false`, withCheck: sql`false` }),
  ],
);
