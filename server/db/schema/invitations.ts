import { sql } from "drizzle-orm";
import { index, pgPolicy, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, orgRef } from "./columns";
import { memberRole } from "./memberships";
import { currentOrg, isAdmin, orgIsolation, runtime } from "./rls";
import { users } from "./users";
import { timestamptz } from "./time";

/**
 * An admin's invitation to join the practice, delivered by email. Single use, 72 hours. Only the
 * SHA-256 of the emailed token is stored (the runtime role cannot even read it back). The invitee's
 * side (preview, accept) happens before any org context exists, through the SECURITY DEFINER
 * functions in drizzle/0010_invitations.sql; the admin's side (create, list, resend, revoke) runs
 * under these policies.
 */
export const invitations = pgTable(
  "invitations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    email: text("email").notNull(),
    // The name the admin typed: a suggestion for a new account, never applied to an existing one.
    name: text("name").notNull(),
    role: memberRole("role").notNull(),
    tokenHash: text("token_hash").notNull(),
    invitedBy: uuid("invited_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    expiresAt: timestamptz("expires_at").notNull(),
    acceptedAt: timestamptz("accepted_at"),
    acceptedBy: uuid("accepted_by").references(() => users.id),
    revokedAt: timestamptz("revoked_at"),
  },
  (t) => [
    uniqueIndex("invitations_token_hash_key").on(t.tokenHash),
    index("invitations_org_created_idx").on(t.orgId, t.createdAt.desc()),
    index("invitations_email_idx").on(sql`lower(${t.email})`),
    orgIsolation("invitations", t.orgId),
    pgPolicy("invitations_select", { for: "select", to: runtime, using: isAdmin }),
    // A new invitation is pending and sent by the caller; accepting happens only in the definer functions.
    pgPolicy("invitations_insert", {
      for: "insert",
      to: runtime,
      withCheck: sql`${isAdmin} and ${t.orgId} = ${currentOrg} and ${t.invitedBy} = (select app_user_id()) and ${t.acceptedAt} is null and ${t.acceptedBy} is null and ${t.revokedAt} is null`,
    }),
    // Resend (new token and expiry) and revoke touch only pending invitations and never accept one.
    pgPolicy("invitations_update", {
      for: "update",
      to: runtime,
      using: sql`${isAdmin} and ${t.acceptedAt} is null and ${t.revokedAt} is null`,
      withCheck: sql`${isAdmin} and ${t.acceptedAt} is null and ${t.acceptedBy} is null`,
    }),
  ],
);
