import { sql } from "drizzle-orm";
import { check, foreignKey, index, integer, pgPolicy, pgTable, text, unique, uuid } from "drizzle-orm/pg-core";
import { createdAt, patientOfOrg } from "./columns";
import { patients } from "./patients";
import { canSeePatient, currentUser, onMergedChart, orgIsolation, runtime } from "./rls";
import { users } from "./users";
import { timestamptz } from "./time";

/**
 * Minimum necessary: only the patient's care team (or cover, or a break-glass grant) reads notes,
 * admins included. A note is a draft until its author signs it; a signed note never changes again
 * (policy WITH CHECK + the app_clinical_notes_lock trigger in drizzle/0012_clinical_integrity.sql);
 * corrections are addenda (signed notes whose addendum_to names the note); a wrong note is marked
 * entered_in_error with a reason and stays in the record. The runtime role has no DELETE.
 */
export const clinicalNotes = pgTable(
  "clinical_notes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ...patientOfOrg(),
    authorId: uuid("author_id")
      .notNull()
      .references(() => users.id),
    body: text("body").notNull(),
    status: text("status", { enum: ["draft", "signed", "entered_in_error"] })
      .notNull()
      .default("draft"),
    signedAt: timestamptz("signed_at"),
    addendumTo: uuid("addendum_to"),
    errorReason: text("error_reason"),
    errorAt: timestamptz("error_at"),
    version: integer("version").notNull().default(1),
    createdAt: createdAt(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("clinical_notes_org_patient_created_idx").on(t.orgId, t.patientId, t.createdAt),
    index("clinical_notes_org_author_status_idx").on(t.orgId, t.authorId, t.status, t.createdAt),
    index("clinical_notes_org_addendum_idx").on(t.orgId, t.addendumTo),
    unique("clinical_notes_org_id_key").on(t.orgId, t.id),
    foreignKey({ columns: [t.orgId, t.patientId], foreignColumns: [patients.orgId, patients.id] }),
    foreignKey({ columns: [t.orgId, t.addendumTo], foreignColumns: [t.orgId, t.id] }).onDelete("cascade"),
    check("clinical_notes_status_known", sql`${t.status} in ('draft', 'signed', 'entered_in_error')`),
    // A signed note carries its signature time, a draft none (a draft marked in error keeps none).
    check(
      "clinical_notes_signed_at",
      sql`(${t.status} <> 'signed' or ${t.signedAt} is not null) and (${t.status} <> 'draft' or ${t.signedAt} is null)`,
    ),
    check(
      "clinical_notes_error_reason",
      sql`(${t.status} = 'entered_in_error') = (${t.errorReason} is not null and ${t.errorAt} is not null)`,
    ),
    check("clinical_notes_error_reason_present", sql`${t.errorReason} is null or length(btrim(${t.errorReason})) >= 5`),
    check("clinical_notes_addendum_signed", sql`${t.addendumTo} is null or ${t.status} <> 'draft'`),
    orgIsolation("clinical_notes", t.orgId),
    pgPolicy("clinical_notes_select", { for: "select", to: runtime, using: canSeePatient(t.patientId) }),
    // A merge leaves signed notes where they are; the kept chart's readers see them (drizzle/0023).
    pgPolicy("clinical_notes_select_merged", { for: "select", to: runtime, using: onMergedChart(t.patientId) }),
    // New notes are drafts of the caller; addenda arrive signed (the trigger checks their parent).
    pgPolicy("clinical_notes_insert", {
      for: "insert",
      to: runtime,
      withCheck: sql`${t.authorId} = ${currentUser} and ${canSeePatient(t.patientId)} and ${t.errorReason} is null and ${t.version} = 1
        and ((${t.status} = 'draft' and ${t.addendumTo} is null) or (${t.status} = 'signed' and ${t.addendumTo} is not null))`,
    }),
    // Only the author's own drafts and signed notes are candidates; entered-in-error is final.
    // What may change between the old and new row (only a draft's body; draft → signed;
    // → entered_in_error with a reason) is the trigger's job: a policy cannot see OLD.
    pgPolicy("clinical_notes_update_own", {
      for: "update",
      to: runtime,
      using: sql`${t.authorId} = ${currentUser} and ${canSeePatient(t.patientId)} and ${t.status} <> 'entered_in_error'`,
      withCheck: sql`${t.authorId} = ${currentUser} and ${canSeePatient(t.patientId)} and (${t.status} <> 'draft' or ${t.signedAt} is null)`,
    }),
  ],
);

/**
 * Every version of every note, written only by the app_clinical_notes_history trigger (the runtime
 * role may read, never write), readable under the same visibility as the notes themselves.
 */
export const clinicalNoteVersions = pgTable(
  "clinical_note_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull(),
    noteId: uuid("note_id").notNull(),
    patientId: uuid("patient_id").notNull(),
    version: integer("version").notNull(),
    body: text("body").notNull(),
    status: text("status", { enum: ["draft", "signed", "entered_in_error"] }).notNull(),
    errorReason: text("error_reason"),
    changedBy: uuid("changed_by").references(() => users.id),
    changedAt: timestamptz("changed_at").notNull().defaultNow(),
  },
  (t) => [
    unique("clinical_note_versions_note_version_key").on(t.orgId, t.noteId, t.version),
    index("clinical_note_versions_org_patient_idx").on(t.orgId, t.patientId),
    // Removing a note is an owner-only maintenance act (the runtime role cannot DELETE notes).
    foreignKey({ columns: [t.orgId, t.noteId], foreignColumns: [clinicalNotes.orgId, clinicalNotes.id] }).onDelete(
      "cascade",
    ),
    orgIsolation("clinical_note_versions", t.orgId),
    pgPolicy("clinical_note_versions_select", { for: "select", to: runtime, using: canSeePatient(t.patientId) }),
    pgPolicy("clinical_note_versions_select_merged", { for: "select", to: runtime, using: onMergedChart(t.patientId) }),
  ],
);
