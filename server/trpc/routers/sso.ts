import { ssoLookupInput } from "../../../lib/schemas/two-factor";
import { domainOf, ssoForDomain, SSO_PREFIX } from "../../auth/sso";
import { publicProcedure, router } from "../init";

/**
 * `sso.lookup`: before sign-in, whether the typed email's domain has a practice's identity provider
 * (the sign-in page then offers "Continue with your practice's sign-in"). Answers the provider id and
 * the practice's name only — never the issuer's secrets — and the same shape for any unknown domain.
 */
export const ssoRouter = router({
  lookup: publicProcedure.input(ssoLookupInput).query(async ({ ctx, input }) => {
    const row = await ssoForDomain(ctx.db, domainOf(input.email)).catch(() => null);
    return row
      ? { providerId: `${SSO_PREFIX}${row.org_slug}`, practice: row.org_name }
      : { providerId: null, practice: null };
  }),
});
