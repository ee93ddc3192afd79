import { sql } from "drizzle-orm";
import { pgPolicy, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { currentOrg, currentUser, isAdmin, runtime } from "./rls";

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    // Never granted to the runtime role; sign-in reads it through app_auth_user().
    passwordHash: text("password_hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("users_email_lower_key").on(sql`lower(${t.email})`),
    // Yourself, and colleagues with a membership in the current org.
    pgPolicy("users_select", {
      for: "select",
      to: runtime,
      using: sql`${t.id} = ${currentUser} or ${t.id} in (select user_id from memberships where org_id = ${currentOrg})`,
    }),
    // Admins create accounts for new members (the membership row follows in the same request).
    pgPolicy("users_insert", { for: "insert", to: runtime, withCheck: isAdmin }),
    pgPolicy("users_update_self", {
      for: "update",
      to: runtime,
      using: sql`${t.id} = ${currentUser}`,
      withCheck: sql`${t.id} = ${currentUser}`,
    }),
  ],
);
