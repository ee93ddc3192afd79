import { count, eq } from "drizzle-orm";
import type { z } from "zod";
import type { ssoDomainInput } from "@/lib/schemas/sso-domains";
import { ssoRecordName } from "@/lib/sso-record";
import { audit } from "@/server/audit/record";
import { orgSsoDomains } from "@/server/db/schema";
import { AppError } from "@/server/errors";
import type { MemberCtx } from "@/server/request";
import { DnsUnavailableError } from "./dns";
import { addDomain, checkRecord, listDomains, markVerified, MAX_SSO_DOMAINS, removeDomain } from "./domains";

/**
 * An admin's actions on the practice's SSO email domains (over ./domains.ts): added as pending,
 * proven by the DNS record `_careroster-sso.<domain>` holding the practice's value, removed. Public
 * mail domains are refused by the input schema, and again by the database.
 */

type DomainInput = z.infer<typeof ssoDomainInput>;

const NOT_LISTED = "That domain is not on this practice's list.";

export async function addSsoDomain(ctx: MemberCtx, input: DomainInput) {
  const [listed] = await ctx.tx.select({ n: count() }).from(orgSsoDomains).where(eq(orgSsoDomains.orgId, ctx.orgId));
  if (listed.n >= MAX_SSO_DOMAINS)
    throw new AppError("BAD_REQUEST", `A practice can list at most ${MAX_SSO_DOMAINS} domains.`);
  if (!(await addDomain(ctx.tx, ctx.orgId, input.domain)))
    throw new AppError("CONFLICT", "That domain is already on the list.");
  await audit(ctx, { action: "settings.sso_domain_add", entityId: ctx.orgId, detail: { domain: input.domain } });
  return { domain: input.domain, status: "pending" as const };
}

/** "Check DNS": looks the record up now and, when it holds the practice's value, marks the domain verified. */
export async function verifySsoDomain(ctx: MemberCtx, input: DomainInput) {
  const { token, domains } = await listDomains(ctx.tx, ctx.orgId);
  const row = domains.find((d) => d.domain === input.domain);
  if (!row) throw new AppError("NOT_FOUND", NOT_LISTED);
  if (row.status !== "pending") return { domain: row.domain, status: row.status, verifiedAt: row.verifiedAt };
  const name = ssoRecordName(input.domain);
  const check = await checkRecord(input.domain, token).catch((err: unknown) => {
    if (!(err instanceof DnsUnavailableError)) throw err;
    throw new AppError(
      "SERVICE_UNAVAILABLE",
      `The DNS lookup of ${name} got no answer (${err.code}). Try again in a few minutes.`,
    );
  });
  if (check.kind === "none")
    throw new AppError(
      "PRECONDITION_FAILED",
      `No TXT record was found at ${name}. New records can take a while to appear; try again later.`,
    );
  if (check.kind === "other")
    throw new AppError(
      "PRECONDITION_FAILED",
      `The TXT record at ${name} does not hold this practice's value. It must read exactly: ${check.expected}`,
    );
  const verifiedAt = await markVerified(ctx.tx, input.domain, check.records);
  await audit(ctx, {
    action: "settings.sso_domain_verify",
    entityId: ctx.orgId,
    detail: { domain: input.domain, by: "dns" },
  });
  return { domain: input.domain, status: "dns" as const, verifiedAt };
}

export async function removeSsoDomain(ctx: MemberCtx, input: DomainInput) {
  if (!(await removeDomain(ctx.tx, ctx.orgId, input.domain))) throw new AppError("NOT_FOUND", NOT_LISTED);
  await audit(ctx, { action: "settings.sso_domain_remove", entityId: ctx.orgId, detail: { domain: input.domain } });
  return { removed: true };
}
