import { ssoDomainInput } from "@/lib/schemas/sso-domains";
import { addSsoDomain, removeSsoDomain, verifySsoDomain } from "@/server/sso/practice-domains";
import { adminProcedure } from "@/server/trpc/init";

/** The practice's SSO email domains (part of `admin.settings`; server/sso/practice-domains.ts). */
export const ssoDomainProcedures = {
  addSsoDomain: adminProcedure.input(ssoDomainInput).mutation(({ ctx, input }) => addSsoDomain(ctx, input)),
  verifySsoDomain: adminProcedure.input(ssoDomainInput).mutation(({ ctx, input }) => verifySsoDomain(ctx, input)),
  removeSsoDomain: adminProcedure.input(ssoDomainInput).mutation(({ ctx, input }) => removeSsoDomain(ctx, input)),
};
