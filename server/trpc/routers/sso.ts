import { ssoLookupInput } from "@/lib/schemas/two-factor";
import { lookupSso } from "@/server/sso/lookup";
import { publicProcedure, router } from "@/server/trpc/init";

/** `sso.lookup`: before sign-in, the practice sign-in for an email's domain (server/sso/lookup.ts). */
export const ssoRouter = router({
  lookup: publicProcedure.input(ssoLookupInput).query(({ ctx, input }) => lookupSso(ctx, input)),
});
