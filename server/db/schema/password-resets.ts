import { sql } from "drizzle-orm";
import { index, pgPolicy, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, userRef } from "./columns";
import { runtime } from "./rls";
import { timestamptz } from "./time";

/**
 * Forgot-password links: single use, 30 minutes, only the SHA-256 of the emailed token stored.
 * Everything happens before sign-in, so only the SECURITY DEFINER functions in
 * drizzle/0010_invitations.sql touch this table: the runtime role's policy is an explicit "nothing".
 */
export const passwordResets = pgTable(
  "password_resets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: userRef(),
    tokenHash: text("token_hash").notNull(),
    createdAt: createdAt(),
    expiresAt: timestamptz("expires_at").notNull(),
    usedAt: timestamptz("used_at"),
  },
  (t) => [
    uniqueIndex("password_resets_token_hash_key").on(t.tokenHash),
    index("password_resets_user_idx").on(t.userId),
    pgPolicy("password_resets_none", { for: "all", to: runtime, using: sql`false`, withCheck: sql`false` }),
  ],
);
