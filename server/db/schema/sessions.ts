import { sql } from "drizzle-orm";
import { index, pgPolicy, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { currentOrg, currentUser, isAdmin, runtime } from "./rls";
import { users } from "./users";

/**
 * Server-side sessions: the next-auth JWT carries `sid`, and every request's context statement
 * checks it here (app_session_live(), drizzle/…_sessions.sql), so a revoked session reads nothing.
 * Sessions belong to a person, not to a practice: ending one ends it in every practice.
 */
const adminOfMember = sql`${isAdmin} and user_id in (select m.user_id from memberships m where m.org_id = ${currentOrg} and m.status = 'active')`;

export const sessions = pgTable(
  "sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    userAgent: text("user_agent"),
    /** How the session was opened: `password` (no factor required or enrolled), `totp`, `recovery_code`, `sso`. */
    method: text("method").notNull().default("password"),
  },
  (t) => [
    // The user's (active) sessions, newest activity first; the live check goes by primary key.
    index("sessions_user_idx").on(t.userId, t.lastSeenAt),
    // Your own sessions; an admin also those of the practice's active members.
    pgPolicy("sessions_select", {
      for: "select",
      to: runtime,
      using: sql`${t.userId} = ${currentUser} or (${adminOfMember})`,
    }),
    // Sign-in starts a session for the user it authenticated (the context's user).
    pgPolicy("sessions_insert", {
      for: "insert",
      to: runtime,
      withCheck: sql`${t.userId} = ${currentUser} and ${t.revokedAt} is null`,
    }),
    // The only change the runtime may make is ending a session (column grant: revoked_at), its own
    // or, for an admin, an active member's; a trigger keeps an ended session ended.
    pgPolicy("sessions_update", {
      for: "update",
      to: runtime,
      using: sql`${t.userId} = ${currentUser} or (${adminOfMember})`,
      withCheck: sql`${t.revokedAt} is not null and (${t.userId} = ${currentUser} or (${adminOfMember}))`,
    }),
  ],
);
