import { sql } from "drizzle-orm";
import { foreignKey, index, pgPolicy, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { patients } from "./patients";
import { canSeePatient, currentUser, orgIsolation, runtime } from "./rls";
import { users } from "./users";

/** Minimum necessary: only the patient's care team (or a break-glass grant) reads notes, admins included. */
export const clinicalNotes = pgTable(
  "clinical_notes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull(),
    patientId: uuid("patient_id").notNull(),
    authorId: uuid("author_id").notNull().references(() => users.id),
    body: text("body").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("clinical_notes_org_patient_created_idx").on(t.orgId, t.patientId, t.createdAt),
    foreignKey({ columns: [t.orgId, t.patientId], foreignColumns: [patients.orgId, patients.id] }),
    orgIsolation("clinical_notes", t.orgId),
    pgPolicy("clinical_notes_select", { for: "select", to: runtime, using: canSeePatient(t.patientId) }),
    pgPolicy("clinical_notes_insert", {
      for: "insert",
      to: runtime,
      withCheck: sql`${t.authorId} = ${currentUser} and ${canSeePatient(t.patientId)}`,
    }),
    pgPolicy("clinical_notes_update_own", {
      for: "update",
      to: runtime,
      using: sql`${t.authorId} = ${currentUser} and ${canSeePatient(t.patientId)}`,
      withCheck: sql`${t.authorId} = ${currentUser} and ${canSeePatient(t.patientId)}`,
    }),
  ],
);
