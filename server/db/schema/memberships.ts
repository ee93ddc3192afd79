import { sql } from "drizzle-orm";
import { index, pgEnum, pgPolicy, pgTable, primaryKey } from "drizzle-orm/pg-core";
import { createdAt, orgRef, userRef } from "./columns";
import { currentOrg, currentUser, isAdmin, runtime } from "./rls";

export const memberRole = pgEnum("member_role", ["admin", "clinician"]);
// `invited`: an invitation to this practice is pending for an existing account. It grants nothing
// (app_org_id() counts only `active`) and is invisible to the practice (memberships_select).
export const memberStatus = pgEnum("member_status", ["invited", "active", "suspended"]);

export const memberships = pgTable(
  "memberships",
  {
    userId: userRef(),
    orgId: orgRef(),
    role: memberRole("role").notNull(),
    status: memberStatus("status").notNull().default("active"),
    createdAt: createdAt(),
  },
  (t) => [
    // (user_id, org_id) serves the context functions; (org_id, user_id) the colleague list.
    primaryKey({ columns: [t.userId, t.orgId] }),
    index("memberships_org_user_idx").on(t.orgId, t.userId),
    // Colleagues in the current org, and your own memberships anywhere (for the org switcher
    // and for telling a suspended member why they see nothing). An `invited` row is seen only by
    // its invitee: the practice learns nothing about whether the invited email has an account.
    // (Spelled as the two older values: a migration cannot use an enum value added in its own transaction.)
    pgPolicy("memberships_select", {
      for: "select",
      to: runtime,
      using: sql`(${t.orgId} = ${currentOrg} and ${t.status} in ('active', 'suspended')) or ${t.userId} = ${currentUser}`,
    }),
    // No insert policy (nor grant): a membership is made only by its user accepting an invitation.
    pgPolicy("memberships_update", {
      for: "update",
      to: runtime,
      using: sql`${t.orgId} = ${currentOrg} and ${isAdmin}`,
      withCheck: sql`${t.orgId} = ${currentOrg} and ${isAdmin}`,
    }),
  ],
);
