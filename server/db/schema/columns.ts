import { uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";
import { timestamptz } from "./time";
import { users } from "./users";

// Columns many tables declare alike, written once (each call is a fresh column).

export const createdAt = () => timestamptz("created_at").notNull().defaultNow();

export const orgRef = () =>
  uuid("org_id")
    .notNull()
    .references(() => organizations.id);

export const userRef = () =>
  uuid("user_id")
    .notNull()
    .references(() => users.id);

/** A row about a patient of a practice: its composite foreign key to patients (org_id, id) is the table's own. */
export const patientOfOrg = () => ({ orgId: uuid("org_id").notNull(), patientId: uuid("patient_id").notNull() });
