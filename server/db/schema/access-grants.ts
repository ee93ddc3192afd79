import { sql } from "drizzle-orm";
import { check, foreignKey, index, pgPolicy, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { memberships } from "./memberships";
import { patients } from "./patients";
import { currentUser, isAdmin, orgIsolation, runtime } from "./rls";
import { users } from "./users";
import { timestamptz } from "./time";

/** Break-glass: time-boxed emergency access. Expiry needs no job: the policies compare with now(). */
export const accessGrants = pgTable(
  "access_grants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull(),
    clinicianId: uuid("clinician_id").notNull(),
    patientId: uuid("patient_id").notNull(),
    reason: text("reason").notNull(),
    grantedAt: timestamptz("granted_at").notNull().defaultNow(),
    expiresAt: timestamptz("expires_at").notNull(),
    reviewedBy: uuid("reviewed_by").references(() => users.id),
    reviewedAt: timestamptz("reviewed_at"),
    reviewComment: text("review_comment"),
    // Ended early (by an admin of the practice, or by the grantee): visibility ends at once.
    // Revoking is not a review; the review still has to be done.
    revokedAt: timestamptz("revoked_at"),
    revokedBy: uuid("revoked_by").references(() => users.id),
  },
  (t) => [
    check("access_grants_reason_present", sql`length(btrim(${t.reason})) >= 10`),
    check(
      "access_grants_window",
      sql`${t.expiresAt} > ${t.grantedAt} and ${t.expiresAt} <= ${t.grantedAt} + interval '24 hours'`,
    ),
    index("access_grants_clinician_org_expires_idx").on(t.clinicianId, t.orgId, t.expiresAt),
    check("access_grants_revoked_by", sql`(${t.revokedAt} is null) = (${t.revokedBy} is null)`),
    index("access_grants_org_review_idx").on(t.orgId, t.reviewedAt, t.grantedAt),
    // The admin's grant history: newest first, keyset on (granted_at, id).
    index("access_grants_org_granted_idx").on(t.orgId, t.grantedAt, t.id),
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
    // Admins review and revoke the practice's grants. A grant is never reviewed by its grantee.
    // Who may change which column, and how (review once in your own name, revoke once in your own
    // name, never un-revoke), is the transition trigger's in drizzle/0018_grant_revoke.sql: a
    // policy sees only the new row, and a grant reviewed by one admin may be revoked by another.
    pgPolicy("access_grants_update", {
      for: "update",
      to: runtime,
      using: isAdmin,
      withCheck: sql`${isAdmin} and (${t.reviewedBy} is null or ${t.reviewedBy} <> ${t.clinicianId})`,
    }),
    // The grantee may end their own running grant early, in their own name (the trigger allows
    // nothing else to change).
    pgPolicy("access_grants_end_own", {
      for: "update",
      to: runtime,
      using: sql`${t.clinicianId} = ${currentUser} and ${t.revokedAt} is null`,
      withCheck: sql`${t.clinicianId} = ${currentUser} and ${t.revokedBy} = ${currentUser}`,
    }),
  ],
);
