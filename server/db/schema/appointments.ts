import { sql } from "drizzle-orm";
import { boolean, check, foreignKey, index, pgEnum, pgPolicy, pgTable, text, unique, uuid } from "drizzle-orm/pg-core";
import { createdAt, patientOfOrg } from "./columns";
import { memberships } from "./memberships";
import { patients } from "./patients";
import { byRole, canSeePatient, isAdmin, orgIsolation, runtime } from "./rls";
import { timestamptz } from "./time";

export const appointmentStatus = pgEnum("appointment_status", ["scheduled", "completed", "cancelled", "no_show"]);

export const appointments = pgTable(
  "appointments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ...patientOfOrg(),
    clinicianId: uuid("clinician_id").notNull(),
    startsAt: timestamptz("starts_at").notNull(),
    endsAt: timestamptz("ends_at").notNull(),
    status: appointmentStatus("status").notNull().default("scheduled"),
    reason: text("reason").notNull().default(""),
    /** consultation | follow_up | procedure | telehealth (lib/schemas/appointments.ts). */
    visitType: text("visit_type").notNull().default("follow_up"),
    /** Booked over another visit of the same clinician, deliberately, by an admin (audited). */
    doubleBooked: boolean("double_booked").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    check("appointments_time_order", sql`${t.endsAt} > ${t.startsAt}`),
    check("appointments_visit_type", sql`${t.visitType} in ('consultation', 'follow_up', 'procedure', 'telehealth')`),
    // A clinician's scheduled visits never overlap: the exclusion constraint (btree_gist) is in
    // drizzle/*_visit_scheduling.sql. Double-booking is an admin's deliberate choice only.
    // Target of the composite keys that keep a reminder in its appointment's practice.
    unique("appointments_org_id_key").on(t.orgId, t.id),
    index("appointments_org_patient_starts_idx").on(t.orgId, t.patientId, t.startsAt),
    index("appointments_org_starts_idx").on(t.orgId, t.startsAt),
    foreignKey({ columns: [t.orgId, t.patientId], foreignColumns: [patients.orgId, patients.id] }),
    foreignKey({ columns: [t.clinicianId, t.orgId], foreignColumns: [memberships.userId, memberships.orgId] }),
    orgIsolation("appointments", t.orgId),
    ...byRole("appointments_select", "select", canSeePatient(t.patientId)),
    ...byRole("appointments_insert", "insert", canSeePatient(t.patientId)),
    ...byRole("appointments_update", "update", canSeePatient(t.patientId)),
    pgPolicy("appointments_double_book_admin_only", {
      as: "restrictive",
      for: "insert",
      to: runtime,
      withCheck: sql`not ${t.doubleBooked} or ${isAdmin}`,
    }),
    index("appointments_clinician_starts_idx").on(t.orgId, t.clinicianId, t.startsAt),
  ],
);
