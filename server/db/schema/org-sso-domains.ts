import { sql } from "drizzle-orm";
import { check, pgPolicy, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, orgRef } from "./columns";
import { currentOrg, isAdmin, runtime } from "./rls";
import { timestamptz } from "./time";

/**
 * The email domains a practice's single sign-on covers (drizzle/0020_sso_domains.sql). A row is
 * pending until proven: by the DNS record `_careroster-sso.<domain>` (app_sso_domain_verify) or by
 * the operator (`npm run sso:verify-domain`). Sign-in uses verified rows only, and at most one
 * practice holds a domain verified (the partial unique index). The practice's admins add, read and
 * remove their own rows; the runtime role may insert (org_id, domain) only and update nothing.
 */
export const orgSsoDomains = pgTable(
  "org_sso_domains",
  {
    orgId: orgRef(),
    domain: text("domain").notNull(),
    createdAt: createdAt(),
    verifiedAt: timestamptz("verified_at"),
    /** `dns` (re-checked at sign-in when the last check is over an hour old) or `operator` (never re-checked). */
    verifiedBy: text("verified_by", { enum: ["dns", "operator"] }),
    lastCheckedAt: timestamptz("last_checked_at"),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.domain] }),
    uniqueIndex("org_sso_domains_verified_key")
      .on(sql`lower(${t.domain})`)
      .where(sql`${t.verifiedAt} is not null`),
    check("org_sso_domains_verified_by", sql`${t.verifiedBy} in ('dns', 'operator')`),
    check("org_sso_domains_verified_both", sql`(${t.verifiedAt} is null) = (${t.verifiedBy} is null)`),
    check("org_sso_domains_not_public", sql`not app_public_mail_domain(${t.domain})`),
    pgPolicy("org_sso_domains_select", {
      for: "select",
      to: runtime,
      using: sql`${t.orgId} = ${currentOrg} and ${isAdmin}`,
    }),
    pgPolicy("org_sso_domains_insert", {
      for: "insert",
      to: runtime,
      withCheck: sql`${t.orgId} = ${currentOrg} and ${isAdmin} and ${t.verifiedAt} is null and ${t.verifiedBy} is null and ${t.lastCheckedAt} is null`,
    }),
    pgPolicy("org_sso_domains_delete", {
      for: "delete",
      to: runtime,
      using: sql`${t.orgId} = ${currentOrg} and ${isAdmin}`,
    }),
  ],
);
