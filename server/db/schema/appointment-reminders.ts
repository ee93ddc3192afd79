import { date, foreignKey, pgPolicy, pgTable, unique, uuid } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";
import { appointments } from "./appointments";
import { patients } from "./patients";
import { byRole, canSeePatient, isAdmin, orgIsolation, runtime } from "./rls";

/** Reminders the per-practice job recorded (what it would send); one per appointment. */
export const appointmentReminders = pgTable(
  "appointment_reminders",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull(),
    appointmentId: uuid("appointment_id").notNull(),
    patientId: uuid("patient_id").notNull(),
    remindOn: date("remind_on", { mode: "string" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    unique("appointment_reminders_appointment_key").on(t.appointmentId),
    // Composite keys: a reminder joins an appointment and a patient of its own practice only.
    foreignKey({ columns: [t.orgId, t.appointmentId], foreignColumns: [appointments.orgId, appointments.id] }),
    foreignKey({ columns: [t.orgId, t.patientId], foreignColumns: [patients.orgId, patients.id] }),
    orgIsolation("appointment_reminders", t.orgId),
    ...byRole("appointment_reminders_select", "select", canSeePatient(t.patientId)),
    pgPolicy("appointment_reminders_insert", { for: "insert", to: runtime, withCheck: isAdmin }),
  ],
);
