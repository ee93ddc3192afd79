import { and, asc, eq, sql } from "drizzle-orm";
import { ssoRecordName, ssoRecordValue } from "@/lib/sso-record";
import type { SsoDomainStatus } from "@/lib/schemas/sso-domains";
import { getAuthDb, type Tx } from "@/server/db/client";
import { textArray } from "@/server/db/arrays";
import { columnsOf } from "@/server/db/columns";
import { organizations, orgSsoDomains } from "@/server/db/schema";
import { lookupTxt } from "./dns";

/** Most domains one practice may list (each costs a DNS lookup when checked). */
export const MAX_SSO_DOMAINS = 20;

export interface SsoDomainRow {
  domain: string;
  status: SsoDomainStatus;
  createdAt: Date;
  verifiedAt: Date | null;
  lastCheckedAt: Date | null;
}

/** The practice's domains (read under the admin's policies), with the token its DNS records must hold. */
export async function listDomains(tx: Tx, orgId: string): Promise<{ token: string; domains: SsoDomainRow[] }> {
  const [org] = await tx
    .select({ token: organizations.ssoVerificationToken })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  const rows = await tx
    .select(columnsOf(orgSsoDomains, "domain", "verifiedBy", "createdAt", "verifiedAt", "lastCheckedAt"))
    .from(orgSsoDomains)
    .where(eq(orgSsoDomains.orgId, orgId))
    .orderBy(asc(orgSsoDomains.domain));
  return {
    token: org.token,
    domains: rows.map(({ verifiedBy, ...r }) => ({ ...r, status: verifiedBy ?? "pending" })),
  };
}

/** Adds a pending domain; false when the practice already lists it. */
export async function addDomain(tx: Tx, orgId: string, domain: string): Promise<boolean> {
  // Only the granted columns (drizzle's insert would name every column, with DEFAULT).
  const added = await tx.execute(
    sql`insert into org_sso_domains (org_id, domain) values (${orgId}, ${domain}) on conflict do nothing returning domain`,
  );
  return added.length > 0;
}

export async function removeDomain(tx: Tx, orgId: string, domain: string): Promise<boolean> {
  const removed = await tx
    .delete(orgSsoDomains)
    .where(and(eq(orgSsoDomains.orgId, orgId), eq(orgSsoDomains.domain, domain)))
    .returning({ domain: orgSsoDomains.domain });
  return removed.length > 0;
}

export type DnsCheck = { kind: "none" } | { kind: "other"; expected: string } | { kind: "found"; records: string[] };

/** Looks up the domain's record; DnsUnavailableError when the resolver gives no answer. */
export async function checkRecord(domain: string, token: string): Promise<DnsCheck> {
  const records = await lookupTxt(ssoRecordName(domain));
  if (records.length === 0) return { kind: "none" };
  const expected = ssoRecordValue(token);
  return records.includes(expected) ? { kind: "found", records } : { kind: "other", expected };
}

/**
 * Marks the domain verified through app_sso_domain_verify, which checks the values again and refuses
 * a domain another practice holds (CR009). Answers when it was verified.
 */
export async function markVerified(tx: Tx, domain: string, records: string[]): Promise<Date> {
  const [row] = await tx.execute<{ verified_at: string }>(
    sql`select app_sso_domain_verify(${domain}, ${textArray(records)}) as verified_at`,
  );
  return new Date(row.verified_at);
}

/**
 * At sign-in: a DNS-verified domain whose last check is over an hour old must still have its record.
 * True when the domain may be trusted now; false when the record is gone or wrong (the domain is then
 * back to pending). Operator-verified domains are never re-checked. A resolver failure throws: the
 * sign-in is refused and the domain keeps its state.
 */
export async function recheckDomain(orgId: string, domain: string): Promise<boolean> {
  const db = getAuthDb();
  const [due] = await db.execute<{ due: boolean }>(
    sql`select app_sso_domain_recheck_due(${orgId}::uuid, ${domain}) as due`,
  );
  if (!due?.due) return true;
  const records = await lookupTxt(ssoRecordName(domain));
  const [row] = await db.execute<{ ok: boolean }>(
    sql`select app_sso_domain_rechecked(${orgId}::uuid, ${domain}, ${textArray(records)}) as ok`,
  );
  return row?.ok === true;
}
