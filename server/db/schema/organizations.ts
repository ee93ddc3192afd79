import { sql } from "drizzle-orm";
import { check, pgPolicy, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { currentOrg, isAdmin, runtime } from "./rls";
import { timestamptz } from "./time";

export const organizations = pgTable(
  "organizations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    slug: text("slug").notNull().unique(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    /** Two-factor policy: who must use a second factor. */
    mfaPolicy: text("mfa_policy").notNull().default("admins"),
    /** IANA time zone every time of the practice is shown in; null = the server's zone. */
    timeZone: text("time_zone"),
    /** The value of the practice's DNS record proving its SSO domains (`careroster-sso=<token>`); made by the database. */
    ssoVerificationToken: text("sso_verification_token")
      .notNull()
      .unique()
      .default(sql`replace(gen_random_uuid()::text, '-', '')`),
  },
  (t) => [
    // The current org, plus every org the caller belongs to (names for the org switcher).
    pgPolicy("organizations_select", {
      for: "select",
      to: runtime,
      using: sql`${t.id} = ${currentOrg} or ${t.id} in (select app_my_org_ids())`,
    }),
    check("organizations_mfa_policy", sql`${t.mfaPolicy} in ('off', 'admins', 'everyone')`),
    // The practice's admin changes its settings (column grants: mfa_policy, time_zone).
    pgPolicy("organizations_update_admin", {
      for: "update",
      to: runtime,
      using: sql`${t.id} = ${currentOrg} and ${isAdmin}`,
      withCheck: sql`${t.id} = ${currentOrg} and ${isAdmin}`,
    }),
  ],
);
