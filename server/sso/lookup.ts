import type { z } from "zod";
import type { ssoLookupInput } from "@/lib/schemas/two-factor";
import { domainOf, ssoForDomain, SSO_PREFIX } from "@/server/auth/sso";
import type { Db } from "@/server/db/client";

/**
 * Before sign-in, whether the typed email's domain has a practice's identity provider (the sign-in
 * page then offers "Continue with your practice's sign-in"). Answers the provider id and the
 * practice's name only — never the issuer's secrets — and the same shape for any unknown domain.
 */
export async function lookupSso(ctx: { db: Db }, input: z.infer<typeof ssoLookupInput>) {
  const row = await ssoForDomain(ctx.db, domainOf(input.email)).catch(() => null);
  return row
    ? { providerId: `${SSO_PREFIX}${row.org_slug}`, practice: row.org_name }
    : { providerId: null, practice: null };
}
