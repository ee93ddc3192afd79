import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  date,
  foreignKey,
  index,
  numeric,
  pgPolicy,
  pgTable,
  text,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { ALLERGY_CRITICALITIES, ALLERGY_SEVERITIES, CODE_SYSTEMS, MEDICATION_ROUTES } from "@/lib/schemas/essentials";
import { patientOfOrg } from "./columns";
import { patients } from "./patients";
import { canSeePatient, currentUser, orgIsolation, runtime } from "./rls";
import { users } from "./users";
import { timestamptz } from "./time";

/*
 * The chart's clinical essentials (drizzle/0024_clinical_essentials.sql holds the CHECKs and the
 * triggers; docs/fhir-mapping.md maps each table to its FHIR R4 resource). Like a signed note, a row
 * never changes its clinical content: the runtime role inserts whole rows, may record the row's one
 * later act (resolved, stopped) once, and the recorder may mark it entered in error with a reason;
 * the database stamps who and when. No DELETE. Readable, like notes, only by whoever sees the
 * patient clinically (care team, cover, a running grant): admins off the care team read nothing.
 */

const recorded = () => ({
  recordedBy: uuid("recorded_by")
    .notNull()
    .references(() => users.id),
  recordedAt: timestamptz("recorded_at").notNull().defaultNow(),
  errorReason: text("error_reason"),
  errorBy: uuid("error_by").references(() => users.id),
  errorAt: timestamptz("error_at"),
});

/** The five policies every essentials table has (see the migration for why each). */
const essentialsPolicies = (table: string, t: { patientId: AnyPgColumn; orgId: AnyPgColumn }) => [
  orgIsolation(table, t.orgId),
  pgPolicy(`${table}_not_assumed`, {
    as: "restrictive",
    for: "select",
    to: runtime,
    using: sql`(select app_context_kind()) is distinct from 'assumed'`,
  }),
  pgPolicy(`${table}_select`, { for: "select", to: runtime, using: canSeePatient(t.patientId) }),
  pgPolicy(`${table}_insert`, {
    for: "insert",
    to: runtime,
    withCheck: sql`recorded_by = ${currentUser} and ${canSeePatient(t.patientId)} and error_reason is null`,
  }),
  pgPolicy(`${table}_update`, {
    for: "update",
    to: runtime,
    using: sql`${canSeePatient(t.patientId)} and error_at is null`,
    withCheck: canSeePatient(t.patientId),
  }),
];

/** Problem list (FHIR Condition, category problem-list-item). */
export const conditions = pgTable(
  "conditions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ...patientOfOrg(),
    text: text("text").notNull(),
    codeSystem: text("code_system", { enum: CODE_SYSTEMS }),
    code: text("code"),
    onsetOn: date("onset_on", { mode: "string" }),
    resolvedOn: date("resolved_on", { mode: "string" }),
    clinicalStatus: text("clinical_status", { enum: ["active", "resolved"] })
      .notNull()
      .generatedAlwaysAs(sql`CASE WHEN resolved_on IS NULL THEN 'active' ELSE 'resolved' END`),
    resolvedBy: uuid("resolved_by").references(() => users.id),
    resolvedAt: timestamptz("resolved_at"),
    ...recorded(),
  },
  (t) => [
    index("conditions_org_patient_idx").on(t.orgId, t.patientId, t.recordedAt),
    unique("conditions_org_id_key").on(t.orgId, t.id),
    foreignKey({
      name: "conditions_patient_fk",
      columns: [t.orgId, t.patientId],
      foreignColumns: [patients.orgId, patients.id],
    }),
    ...essentialsPolicies("conditions", t),
  ],
);

/** Allergies and the explicit "no known allergies" statement (FHIR AllergyIntolerance, both). */
export const allergies = pgTable(
  "allergies",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ...patientOfOrg(),
    kind: text("kind", { enum: ["allergy", "no_known_allergies"] }).notNull(),
    substance: text("substance"),
    reaction: text("reaction"),
    severity: text("severity", { enum: ALLERGY_SEVERITIES }),
    criticality: text("criticality", { enum: ALLERGY_CRITICALITIES }),
    resolvedOn: date("resolved_on", { mode: "string" }),
    clinicalStatus: text("clinical_status", { enum: ["active", "inactive", "resolved"] })
      .notNull()
      .generatedAlwaysAs(
        sql`CASE WHEN resolved_on IS NULL THEN 'active' WHEN kind = 'no_known_allergies' THEN 'inactive' ELSE 'resolved' END`,
      ),
    resolvedBy: uuid("resolved_by").references(() => users.id),
    resolvedAt: timestamptz("resolved_at"),
    ...recorded(),
  },
  (t) => [
    index("allergies_org_patient_idx").on(t.orgId, t.patientId, t.recordedAt),
    unique("allergies_org_id_key").on(t.orgId, t.id),
    foreignKey({
      name: "allergies_patient_fk",
      columns: [t.orgId, t.patientId],
      foreignColumns: [patients.orgId, patients.id],
    }),
    ...essentialsPolicies("allergies", t),
  ],
);

/** Current and past medications (FHIR MedicationStatement). */
export const medicationStatements = pgTable(
  "medication_statements",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ...patientOfOrg(),
    name: text("name").notNull(),
    dose: text("dose").notNull(),
    frequency: text("frequency").notNull(),
    route: text("route", { enum: MEDICATION_ROUTES }).notNull(),
    startedOn: date("started_on", { mode: "string" }),
    stoppedOn: date("stopped_on", { mode: "string" }),
    stopReason: text("stop_reason"),
    stoppedBy: uuid("stopped_by").references(() => users.id),
    stoppedAt: timestamptz("stopped_at"),
    ...recorded(),
  },
  (t) => [
    index("medication_statements_org_patient_idx").on(t.orgId, t.patientId, t.recordedAt),
    unique("medication_statements_org_id_key").on(t.orgId, t.id),
    foreignKey({
      name: "medication_statements_patient_fk",
      columns: [t.orgId, t.patientId],
      foreignColumns: [patients.orgId, patients.id],
    }),
    ...essentialsPolicies("medication_statements", t),
  ],
);

/** One FHIR Observation (vital-signs profile) per row; blood pressure carries both components. */
export const vitalSigns = pgTable(
  "vital_signs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ...patientOfOrg(),
    kind: text("kind", {
      enum: ["blood_pressure", "heart_rate", "body_temperature", "body_weight", "body_height"],
    }).notNull(),
    value: numeric("value", { precision: 5, scale: 1, mode: "number" }).notNull(),
    diastolic: numeric("diastolic", { precision: 5, scale: 1, mode: "number" }),
    effectiveAt: timestamptz("effective_at").notNull(),
    ...recorded(),
  },
  (t) => [
    index("vital_signs_org_patient_idx").on(t.orgId, t.patientId, t.kind, t.effectiveAt),
    unique("vital_signs_org_id_key").on(t.orgId, t.id),
    foreignKey({
      name: "vital_signs_patient_fk",
      columns: [t.orgId, t.patientId],
      foreignColumns: [patients.orgId, patients.id],
    }),
    ...essentialsPolicies("vital_signs", t),
  ],
);
