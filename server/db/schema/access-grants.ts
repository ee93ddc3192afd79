import { sql } from "drizzle-orm";
import { check, foreignKey, index, pgPolicy, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { memberships } from "./memberships";
import { patients } from "./patients";
import { currentUser, isAdmin, orgIsolation, runtime } from "./rls";
import { users } from "./users";

/** Break-glass: time-boxed emergency access. Expiry needs no job: the policies compare with now(). */
export const accessGrants = pgTable(
  "access_grants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull(),
    clinicianId: uuid("clinician_id").notNull(),
    patientId: uuid("patient_id").notNull(),
    reason: text("reason").notNull(),
    grantedAt: timestamp("granted_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    reviewedBy: uuid("reviewed_by").references(() => users.id),
    reviewedAt: timestamp("reviewed_at", { withTimezone: true }),
    reviewComment: text("review_comment"),
  },
  (t) => [
    check("access_grants_reason_present", sql`length(btrim(${t.reason})) >= 10`),
    check(
      "access_grants_window",
      sql`${t.expiresAt} > ${t.grantedAt} and ${t.expiresAt} <= ${t.grantedAt} + interval '24 hours'`,
    ),
    index("access_grants_clinician_org_expires_idx").on(t.clinicianId, t.orgId, t.expiresAt),
    index("access_grants_org_review_idx").on(t.orgId, t.reviewedAt, t.grantedAt),
    foreignKey({ columns: [t.orgId, t.patientId], foreignColumns: [patients.orgId, patients.id] }),
    foreignKey({ columns: [t.clinicianId, t.orgId], foreignColumns: [memberships.userId, memberships.orgId] }),
    orgIsolation("access_grants", t.orgId),
    pgPolicy("access_grants_select", {
      for: "select",
      to: runtime,
      using: sql`${t.clinicianId} = ${currentUser} or ${isAdmin}`,
    }),
    // A clinician grants only themselves, starting now, unreviewed (so it always reaches the queue).
    pgPolicy("access_grants_insert", {
      for: "insert",
      to: runtime,
      withCheck: sql`${t.clinicianId} = ${currentUser} and ${t.grantedAt} = now() and ${t.reviewedBy} is null and ${t.reviewedAt} is null and ${t.reviewComment} is null`,
    }),
    // Only admins review, in their own name, and never their own grant (a second pair of eyes).
    pgPolicy("access_grants_update", {
      for: "update",
      to: runtime,
      using: isAdmin,
      withCheck: sql`${isAdmin} and ${t.reviewedBy} = ${currentUser} and ${t.clinicianId} <> ${currentUser}`,
    }),
  ],
);
