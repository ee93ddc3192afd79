import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  date,
  foreignKey,
  index,
  pgEnum,
  pgPolicy,
  pgTable,
  text,
  unique,
  uuid,
  integer,
} from "drizzle-orm/pg-core";
import { createdAt, orgRef } from "./columns";
import { organizations } from "./organizations";
import { adminRole, byRole, canSeePatient, currentUser, isAdmin, orgIsolation, runtime } from "./rls";
import { users } from "./users";
import { timestamptz } from "./time";

export const sex = pgEnum("sex", ["female", "male", "other", "unknown"]);

/** What the list's search matches: the name as the list shows it and as people type it, and the MRN. */
export const patientSearchText = sql.raw(
  `(family_name || ', ' || given_name || ' ' || given_name || ' ' || family_name || ' ' || mrn)`,
);

export const patients = pgTable(
  "patients",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    mrn: text("mrn").notNull(),
    givenName: text("given_name").notNull(),
    familyName: text("family_name").notNull(),
    birthDate: date("birth_date", { mode: "string" }).notNull(),
    sex: sex("sex").notNull().default("unknown"),
    phone: text("phone"),
    email: text("email"),
    // Front desk (FHIR: Patient.name use=usual, the pronouns extension, Patient.address, Patient.contact, Coverage).
    preferredName: text("preferred_name"),
    pronouns: text("pronouns"),
    addressLine: text("address_line"),
    addressCity: text("address_city"),
    addressRegion: text("address_region"),
    addressPostalCode: text("address_postal_code"),
    /** ISO 3166-1 alpha-2. */
    addressCountry: text("address_country"),
    emergencyName: text("emergency_name"),
    emergencyRelationship: text("emergency_relationship"),
    emergencyPhone: text("emergency_phone"),
    insurancePayer: text("insurance_payer"),
    insuranceMemberId: text("insurance_member_id"),
    /** Set by app_merge_patients() only: this archived chart now lives at that one. */
    mergedInto: uuid("merged_into"),
    mergedAt: timestamptz("merged_at"),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    archivedAt: timestamptz("archived_at"),
    createdAt: createdAt(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
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
    // Birth date and birth year searches, and the duplicate search (drizzle/0023_one_patient_one_chart.sql):
    // same birth date, similar name (trigram), same phone digits, same email.
    index("patients_org_birth_idx").on(t.orgId, t.birthDate),
    index("patients_name_trgm_idx").using(
      "gin",
      sql`lower(${t.givenName} || ' ' || ${t.familyName}) extensions.gin_trgm_ops`,
    ),
    index("patients_org_phone_digits_idx")
      .on(t.orgId, sql`regexp_replace(${t.phone}, '\D', '', 'g')`)
      .where(sql`${t.phone} is not null`),
    index("patients_org_email_idx")
      .on(t.orgId, sql`lower(${t.email})`)
      .where(sql`${t.email} is not null`),
    index("patients_org_merged_into_idx")
      .on(t.orgId, t.mergedInto)
      .where(sql`${t.mergedInto} is not null`),
    foreignKey({ name: "patients_merged_into_fk", columns: [t.orgId, t.mergedInto], foreignColumns: [t.orgId, t.id] }),
    check(
      "patients_merged_archived",
      sql`${t.mergedInto} is null or (${t.archivedAt} is not null and ${t.mergedAt} is not null and ${t.mergedInto} <> ${t.id})`,
    ),
    check("patients_address_country", sql`${t.addressCountry} is null or ${t.addressCountry} ~ '^[A-Z]{2}$'`),
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

/** Each practice's MRN counter (moved by app_next_mrn() only) and the prefix its admin sets. */
export const mrnSequences = pgTable(
  "mrn_sequences",
  {
    orgId: uuid("org_id")
      .primaryKey()
      .references(() => organizations.id),
    prefix: text("prefix").notNull().default(""),
    lastValue: bigint("last_value", { mode: "number" }).notNull().default(0),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    check("mrn_sequences_prefix", sql`${t.prefix} ~ '^[A-Za-z0-9-]{0,12}$'`),
    orgIsolation("mrn_sequences", t.orgId),
    // Every member reads the prefix: the registration form says what an empty MRN becomes.
    pgPolicy("mrn_sequences_select", { for: "select", to: runtime, using: sql`true` }),
    pgPolicy("mrn_sequences_insert_admin", { for: "insert", to: adminRole, withCheck: isAdmin }),
    pgPolicy("mrn_sequences_update_admin", { for: "update", to: adminRole, using: isAdmin, withCheck: isAdmin }),
  ],
);
