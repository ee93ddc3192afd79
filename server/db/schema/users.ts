import { sql } from "drizzle-orm";
import { pgPolicy, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { currentOrg, currentUser, runtime } from "./rls";
import { timestamptz } from "./time";

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    // Never granted to the runtime role; sign-in reads it through app_auth_user() (careroster_auth
    // only). NULL for an account a practice's sign-in created, until its owner sets a password.
    passwordHash: text("password_hash"),
    // Set when the person proved they read this address (set a password from an emailed invitation
    // or reset link). Only a verified account may accept an invitation without its emailed token.
    emailVerifiedAt: timestamptz("email_verified_at"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("users_email_lower_key").on(sql`lower(${t.email})`),
    // Yourself, and colleagues with a membership in the current org.
    pgPolicy("users_select", {
      for: "select",
      to: runtime,
      using: sql`${t.id} = ${currentUser} or ${t.id} in (select user_id from memberships where org_id = ${currentOrg})`,
    }),
    // No INSERT policy: accounts are created only by whoever holds an emailed invitation token,
    // through app_invitation_accept_new() (drizzle/0010_invitations.sql).
    pgPolicy("users_update_self", {
      for: "update",
      to: runtime,
      using: sql`${t.id} = ${currentUser}`,
      withCheck: sql`${t.id} = ${currentUser}`,
    }),
  ],
);
