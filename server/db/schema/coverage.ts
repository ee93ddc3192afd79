import { sql } from "drizzle-orm";
import { check, foreignKey, index, pgPolicy, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";
import { memberships } from "./memberships";
import { adminRole, clinicianRole, currentUser, isAdmin, orgIsolation } from "./rls";
import { users } from "./users";
import { timestamptz } from "./time";

/**
 * A colleague covers a clinician for a time: while `starts_at <= now() < ends_at` (and not ended
 * early), app_visible_patient_ids() gives the covering clinician the covered clinician's care-team
 * patients. No job ends it: the function compares with now(), like break-glass grants.
 *
 * Nobody grants themselves access: a clinician creates coverage only as the covered clinician
 * (delegating their own panel), an admin only between two others; nobody ever as the covering one.
 */
export const coverage = pgTable(
  "coverage",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull(),
    coveringId: uuid("covering_id").notNull(),
    coveredId: uuid("covered_id").notNull(),
    reason: text("reason").notNull(),
    startsAt: timestamptz("starts_at").notNull().defaultNow(),
    endsAt: timestamptz("ends_at").notNull(),
    endedAt: timestamptz("ended_at"),
    endedBy: uuid("ended_by").references(() => users.id),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    check("coverage_not_self", sql`${t.coveringId} <> ${t.coveredId}`),
    check("coverage_window", sql`${t.endsAt} > ${t.startsAt} and ${t.endsAt} <= ${t.startsAt} + interval '30 days'`),
    check("coverage_reason_present", sql`length(btrim(${t.reason})) >= 5`),
    check("coverage_ended_by", sql`(${t.endedAt} is null) = (${t.endedBy} is null)`),
    // The visibility function reads (covering_id, org_id, ends_at).
    index("coverage_covering_org_ends_idx").on(t.coveringId, t.orgId, t.endsAt),
    index("coverage_org_covered_idx").on(t.orgId, t.coveredId, t.endsAt),
    foreignKey({ columns: [t.coveringId, t.orgId], foreignColumns: [memberships.userId, memberships.orgId] }),
    foreignKey({ columns: [t.coveredId, t.orgId], foreignColumns: [memberships.userId, memberships.orgId] }),
    orgIsolation("coverage", t.orgId),
    pgPolicy("coverage_select_admin", { for: "select", to: adminRole, using: isAdmin }),
    pgPolicy("coverage_select", {
      for: "select",
      to: clinicianRole,
      using: sql`${t.coveringId} = ${currentUser} or ${t.coveredId} = ${currentUser}`,
    }),
    // An admin arranges cover between two colleagues, never with themselves as the one covering.
    pgPolicy("coverage_insert_admin", {
      for: "insert",
      to: adminRole,
      withCheck: sql`${isAdmin} and ${t.createdBy} = ${currentUser} and ${t.coveringId} <> ${currentUser} and ${t.endedAt} is null`,
    }),
    // A clinician only hands their own panel to a colleague.
    pgPolicy("coverage_insert", {
      for: "insert",
      to: clinicianRole,
      withCheck: sql`${t.coveredId} = ${currentUser} and ${t.coveringId} <> ${currentUser} and ${t.createdBy} = ${currentUser} and ${t.endedAt} is null`,
    }),
    // Ending early, in one's own name (UPDATE is granted on ended_at, ended_by only; the trigger
    // stamps now() and refuses re-opening).
    pgPolicy("coverage_update_admin", {
      for: "update",
      to: adminRole,
      using: isAdmin,
      withCheck: sql`${isAdmin} and ${t.endedBy} = ${currentUser}`,
    }),
    pgPolicy("coverage_update", {
      for: "update",
      to: clinicianRole,
      using: sql`${t.coveringId} = ${currentUser} or ${t.coveredId} = ${currentUser}`,
      withCheck: sql`(${t.coveringId} = ${currentUser} or ${t.coveredId} = ${currentUser}) and ${t.endedBy} = ${currentUser}`,
    }),
  ],
);
