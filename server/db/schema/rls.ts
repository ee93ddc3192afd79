import { type AnyPgColumn, pgPolicy, pgRole } from "drizzle-orm/pg-core";
import { sql, type SQL } from "drizzle-orm";

/**
 * The NOLOGIN group every runtime login role is made a member of (see scripts/migrate.ts).
 * Policies and grants name this group, so the login role's name can come from DATABASE_URL.
 */
export const runtime = pgRole("careroster_runtime").existing();

/**
 * Each request's transaction also switches to one of these (members of careroster_runtime), chosen
 * by the database from the caller's membership (server/db/context.ts). Splitting "admin OR care
 * team" into one policy per role lets the planner drive a clinician's queries from the care-team
 * ids (a semi-join) instead of filtering every row of the practice. The admin policies still
 * check app_is_admin(), so the role grants nothing by itself.
 */
export const adminRole = pgRole("careroster_admin").existing();
export const clinicianRole = pgRole("careroster_clinician").existing();

// `(select fn())` makes the planner evaluate the context once per statement (an InitPlan),
// not once per row. The functions live in drizzle/0001_context_functions.sql.
export const currentUser = sql`(select app_user_id())`;
export const currentOrg = sql`(select app_org_id())`;
export const isAdmin = sql`(select app_is_admin())`;

/**
 * The caller's care-team patients plus unexpired break-glass grants, in the current org.
 * Written as `= any (array(subquery))` (one InitPlan), not `in (subquery)`: PostgreSQL never turns a policy's
 * sub-select into a join, but `id = any($array)` is an index condition, so a clinician's list is
 * driven by their (small) panel instead of filtering every patient of the practice.
 */
export const canSeePatient = (patientId: AnyPgColumn): SQL =>
  sql`${patientId} = any (array(select app_visible_patient_ids()))`;

/** A chart merged into one the caller can see (app_merged_visible_patients, drizzle/0023). */
export const onMergedChart = (patientId: AnyPgColumn): SQL =>
  sql`${patientId} = any (array(select m.id from app_merged_visible_patients() m))`;

/** One permissive policy per session role: the admin sees the practice, the clinician `clinical`. */
export const byRole = (name: string, command: "select" | "insert" | "update", clinical: SQL) => {
  const clauses = (expr: SQL) => ({
    ...(command !== "insert" && { using: expr }),
    ...(command !== "select" && { withCheck: expr }),
  });
  return [
    pgPolicy(`${name}_admin`, { for: command, to: adminRole, ...clauses(isAdmin) }),
    pgPolicy(name, { for: command, to: clinicianRole, ...clauses(clinical) }),
  ];
};

/** Restrictive: whatever else a policy allows, it never reaches outside the current org. */
export const orgIsolation = (table: string, orgId: AnyPgColumn) =>
  pgPolicy(`${table}_org_isolation`, {
    as: "restrictive",
    for: "all",
    to: runtime,
    using: sql`${orgId} = ${currentOrg}`,
    withCheck: sql`${orgId} = ${currentOrg}`,
  });
