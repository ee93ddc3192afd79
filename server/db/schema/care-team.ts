import { sql } from "drizzle-orm";
import { foreignKey, index, pgPolicy, pgTable, primaryKey, uuid } from "drizzle-orm/pg-core";
import { memberships } from "./memberships";
import { patients } from "./patients";
import { byRole, canSeePatient, currentUser, isAdmin, orgIsolation, runtime } from "./rls";
import { users } from "./users";
import { timestamptz } from "./time";

/** Which clinicians look after which patients: the many-to-many every clinician rule reads. */
export const careTeam = pgTable(
  "care_team",
  {
    orgId: uuid("org_id").notNull(),
    clinicianId: uuid("clinician_id").notNull(),
    patientId: uuid("patient_id").notNull(),
    assignedBy: uuid("assigned_by")
      .notNull()
      .references(() => users.id),
    assignedAt: timestamptz("assigned_at").notNull().defaultNow(),
  },
  (t) => [
    // (clinician_id, org_id, patient_id) answers "my patients" from the index alone.
    primaryKey({ columns: [t.clinicianId, t.orgId, t.patientId] }),
    index("care_team_org_patient_idx").on(t.orgId, t.patientId),
    // Composite keys: a care-team row can only join a patient and a member of its own org.
    foreignKey({ columns: [t.orgId, t.patientId], foreignColumns: [patients.orgId, patients.id] }),
    foreignKey({ columns: [t.clinicianId, t.orgId], foreignColumns: [memberships.userId, memberships.orgId] }),
    orgIsolation("care_team", t.orgId),
    ...byRole("care_team_select", "select", canSeePatient(t.patientId)),
    // Admins assign, never themselves (no self-granted clinical access), and sign as the assigner.
    // A clinician who registers a patient joins its team through a definer trigger, not this policy.
    pgPolicy("care_team_insert", {
      for: "insert",
      to: runtime,
      withCheck: sql`${isAdmin} and ${t.clinicianId} <> ${currentUser} and ${t.assignedBy} = ${currentUser}`,
    }),
    pgPolicy("care_team_update", {
      for: "update",
      to: runtime,
      using: isAdmin,
      withCheck: sql`${isAdmin} and ${t.clinicianId} <> ${currentUser} and ${t.assignedBy} = ${currentUser}`,
    }),
    pgPolicy("care_team_delete", { for: "delete", to: runtime, using: isAdmin }),
  ],
);
