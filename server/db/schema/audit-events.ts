import { sql } from "drizzle-orm";
import { bigint, check, index, jsonb, pgPolicy, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { orgRef } from "./columns";
import { currentUser, isAdmin, orgIsolation, runtime } from "./rls";
import { users } from "./users";
import { timestamptz } from "./time";

/** Why an access was allowed: the one list of access bases (the column, its check, the app's type). */
export const ACCESS_BASES = ["care_team", "coverage", "break_glass", "admin"] as const;
export type AccessBasis = (typeof ACCESS_BASES)[number];

/** Append-only: the runtime role is granted INSERT and SELECT only, and no policy allows UPDATE or DELETE. */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    orgId: orgRef(),
    actorId: uuid("actor_id")
      .notNull()
      .references(() => users.id),
    action: text("action").notNull(),
    patientId: uuid("patient_id"),
    entity: text("entity").notNull(),
    entityId: text("entity_id"),
    at: timestamptz("at").notNull().defaultNow(),
    requestId: text("request_id").notNull(),
    /** Why the actor could see the patient at the time, set by the app_audit_basis trigger from the database. */
    basis: text("basis", { enum: ACCESS_BASES }),
    detail: jsonb("detail").notNull().default({}),
  },
  (t) => [
    check(
      "audit_events_basis_known",
      sql`${t.basis} is null or ${t.basis} in ('care_team', 'coverage', 'break_glass', 'admin')`,
    ),
    index("audit_events_org_at_idx").on(t.orgId, t.at.desc(), t.id.desc()),
    index("audit_events_org_patient_at_idx").on(t.orgId, t.patientId, t.at),
    index("audit_events_org_actor_at_idx").on(t.orgId, t.actorId, t.at),
    orgIsolation("audit_events", t.orgId),
    pgPolicy("audit_events_select_admin", { for: "select", to: runtime, using: isAdmin }),
    pgPolicy("audit_events_insert_own", {
      for: "insert",
      to: runtime,
      withCheck: sql`${t.actorId} = ${currentUser}`,
    }),
  ],
);
