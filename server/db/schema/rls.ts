import { type AnyPgColumn, pgPolicy, pgRole } from "drizzle-orm/pg-core";
import { sql, type SQL } from "drizzle-orm";

/**
 * The NOLOGIN group every runtime login role is made a member of (see scripts/migrate.ts).
 * Policies and grants name this group, so the login role's name can come from DATABASE_URL.
 */
export const runtime = pgRole("careroster_runtime").existing();

// `(select fn())` makes the planner evaluate the context once per statement (an InitPlan),
// not once per row. The functions live in drizzle/0001_context_functions.sql.
export const currentUser = sql`(select app_user_id())`;
export const currentOrg = sql`(select app_org_id())`;
export const isAdmin = sql`(select app_is_admin())`;

/** The caller's care-team patients plus unexpired break-glass grants, in the current org. */
export const canSeePatient = (patientId: AnyPgColumn): SQL =>
  sql`${patientId} in (select app_visible_patient_ids())`;

/** Restrictive: whatever else a policy allows, it never reaches outside the current org. */
export const orgIsolation = (table: string, orgId: AnyPgColumn) =>
  pgPolicy(`${table}_org_isolation`, {
    as: "restrictive",
    for: "all",
    to: runtime,
    using: sql`${orgId} = ${currentOrg}`,
    withCheck: sql`${orgId} = ${currentOrg}`,
  });
