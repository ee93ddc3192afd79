import { sql } from "drizzle-orm";
import { pgPolicy, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { currentOrg, runtime } from "./rls";

export const organizations = pgTable(
  "organizations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    slug: text("slug").notNull().unique(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The current org, plus every org the caller belongs to (names for the org switcher).
    pgPolicy("organizations_select", {
      for: "select",
      to: runtime,
      using: sql`${t.id} = ${currentOrg} or ${t.id} in (select app_my_org_ids())`,
    }),
  ],
);
