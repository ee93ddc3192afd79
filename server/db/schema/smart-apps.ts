import { boolean, index, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, orgRef } from "./columns";
import { timestamptz } from "./time";
import { users } from "./users";

/**
 * Apps a practice registered for SMART on FHIR (drizzle/0027_smart_apps.sql holds the policies,
 * grants and triggers: admins of the practice read, register and disable them; `secret_hash` is
 * written, never read, by the runtime role). Codes and tokens live in owner-only tables.
 */
export const smartApps = pgTable(
  "smart_apps",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    clientId: text("client_id").notNull(),
    name: text("name").notNull(),
    redirectUris: text("redirect_uris").array().notNull(),
    confidential: boolean("confidential").notNull(),
    /** SHA-256 of a confidential app's secret (shown once, at registration). */
    secretHash: text("secret_hash"),
    scopes: text("scopes").array().notNull(),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    disabledAt: timestamptz("disabled_at"),
  },
  (t) => [uniqueIndex("smart_apps_client_id_key").on(t.clientId), index("smart_apps_org_idx").on(t.orgId, t.createdAt)],
);
