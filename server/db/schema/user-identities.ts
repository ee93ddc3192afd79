import { sql } from "drizzle-orm";
import { index, pgPolicy, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { orgRef, userRef } from "./columns";
import { currentUser, runtime } from "./rls";
import { timestamptz } from "./time";

/**
 * The identities (a practice's provider: issuer + subject) that may sign in as an account. Created
 * only by app_sso_sign_in (an invited new account) or app_sso_link_complete (after the account's own
 * password and second factor); the account's owner reads and unlinks them.
 */
export const userIdentities = pgTable(
  "user_identities",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: userRef(),
    orgId: orgRef(),
    issuer: text("issuer").notNull(),
    subject: text("subject").notNull(),
    email: text("email").notNull(),
    /** `invitation`: the provider created the invited account; `proof`: the account proved itself, then linked. */
    linkedVia: text("linked_via").notNull(),
    linkedAt: timestamptz("linked_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("user_identities_provider_key").on(t.orgId, t.issuer, t.subject),
    index("user_identities_user_idx").on(t.userId),
    pgPolicy("user_identities_own", {
      for: "select",
      to: runtime,
      using: sql`${t.userId} = ${currentUser} and (select app_context_kind()) = 'session'`,
    }),
    pgPolicy("user_identities_unlink", {
      for: "delete",
      to: runtime,
      using: sql`${t.userId} = ${currentUser} and (select app_context_kind()) = 'session'`,
    }),
  ],
);
