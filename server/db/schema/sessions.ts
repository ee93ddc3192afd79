import { sql } from "drizzle-orm";
import { index, pgPolicy, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, userRef } from "./columns";
import { currentOrg, currentUser, isAdmin, runtime } from "./rls";
import { organizations } from "./organizations";
import { timestamptz } from "./time";

/**
 * Server-side sessions: the next-auth JWT carries `sid` and the secret whose hash is `token_hash`;
 * every request's context statement enters the session here (app_context_enter(),
 * drizzle/0019_verified_identity.sql), so a revoked session, or a wrong secret, reads nothing.
 * A session is in one practice at a time (`org_id`); only switching moves it, and only where what
 * it proved (`methods`, `sso_org_id`) meets that practice's rules.
 */
const adminOfMember = sql`${isAdmin} and org_id = ${currentOrg} and user_id in (select m.user_id from memberships m where m.org_id = ${currentOrg} and m.status = 'active')`;

export const sessions = pgTable(
  "sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: userRef(),
    createdAt: createdAt(),
    lastSeenAt: timestamptz("last_seen_at").notNull().defaultNow(),
    revokedAt: timestamptz("revoked_at"),
    userAgent: text("user_agent"),
    /** SHA-256 of the session's secret (never granted to the runtime role). */
    tokenHash: text("token_hash"),
    /** The practice the session is in. */
    orgId: uuid("org_id").references(() => organizations.id),
    /** What sign-in proved: `password`, and `totp` or `recovery_code` with it. */
    methods: text("methods")
      .array()
      .notNull()
      .default(sql`'{}'`),
    /** The practice whose identity provider opened the session (it counts there only). */
    ssoOrgId: uuid("sso_org_id").references(() => organizations.id),
    /** Practices whose admin ended this person's access there (app_end_member_sessions). */
    barredOrgs: uuid("barred_orgs")
      .array()
      .notNull()
      .default(sql`'{}'`),
    /** The SMART app this session is the access of (no cookie enters it; drizzle/0027_smart_apps.sql). */
    appId: uuid("app_id"),
  },
  (t) => [
    // The user's (active) sessions, newest activity first; the live check goes by primary key.
    index("sessions_user_idx").on(t.userId, t.lastSeenAt),
    uniqueIndex("sessions_token_hash_key").on(t.tokenHash),
    // Your own sessions; an admin also those of the practice's active members.
    pgPolicy("sessions_select", {
      for: "select",
      to: runtime,
      using: sql`${t.userId} = ${currentUser} or (${adminOfMember})`,
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
