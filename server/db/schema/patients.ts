import { sql } from "drizzle-orm";
import { date, index, pgEnum, pgPolicy, pgTable, text, timestamp, unique, uuid, integer } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";
import { byRole, canSeePatient, currentUser, orgIsolation, runtime } from "./rls";
import { users } from "./users";

export const sex = pgEnum("sex", ["female", "male", "other", "unknown"]);

/** What the list's search matches: the name as the list shows it and as people type it, and the MRN. */
export const patientSearchText = sql.raw(
  `(family_name || ', ' || given_name || ' ' || given_name || ' ' || family_name || ' ' || mrn)`,
);

export const patients = pgTable(
  "patients",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    mrn: text("mrn").notNull(),
    givenName: text("given_name").notNull(),
    familyName: text("family_name").notNull(),
    birthDate: date("birth_date", { mode: "string" }).notNull(),
    sex: sex("sex").notNull().default("unknown"),
    phone: text("phone"),
    email: text("email"),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    archivedAt: timestamp("archived_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    // Stamped by the update trigger from the session's identity (a stale edit names who changed it).
    updatedBy: uuid("updated_by").references(() => users.id),
    // Optimistic concurrency: an update names the version it read; a trigger bumps it.
    version: integer("version").notNull().default(1),
  },
  (t) => [
    unique("patients_org_mrn_key").on(t.orgId, t.mrn),
    // Target of the composite foreign keys that keep child rows in their patient's org.
    unique("patients_org_id_key").on(t.orgId, t.id),
    // The list's keyset order, led by the isolation column.
    index("patients_org_name_idx").on(t.orgId, t.familyName, t.givenName, t.id),
    // The search text (patientSearchText), by trigrams: "Family, Given", "Given Family", MRN, parts of them.
    index("patients_search_trgm_idx").using("gin", sql`(${patientSearchText}) extensions.gin_trgm_ops`),
    // Birth date and birth year searches.
    index("patients_org_birth_idx").on(t.orgId, t.birthDate),
    // The few archived patients, which app_visible_patient_ids() leaves out by an anti-join.
    index("patients_archived_idx")
      .on(t.orgId, t.id)
      .where(sql`${t.archivedAt} is not null`),
    orgIsolation("patients", t.orgId),
    // Admins see the whole org; clinicians their care-team and break-glass patients, unarchived.
    ...byRole("patients_select", "select", sql`${t.archivedAt} is null and ${canSeePatient(t.id)}`),
    // Any active member may register a patient; a trigger puts a clinician creator on its care team.
    pgPolicy("patients_insert", {
      for: "insert",
      to: runtime,
      withCheck: sql`${t.createdBy} = ${currentUser}`,
    }),
    ...byRole("patients_update", "update", sql`${t.archivedAt} is null and ${canSeePatient(t.id)}`),
    // No delete policy: patients are archived, never deleted.
  ],
);
