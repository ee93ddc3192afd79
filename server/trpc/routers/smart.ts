import { consentInput, denyInput } from "@/lib/schemas/smart";
import { allowApp, denyApp } from "@/server/smart/authorize";
import { memberProcedure, router } from "@/server/trpc/init";

/** `smart.*`: the SMART consent screen's answer (server/smart/authorize.ts). */
export const smartRouter = router({
  allow: memberProcedure.input(consentInput).mutation(({ ctx, input }) => allowApp(ctx, input)),
  deny: memberProcedure.input(denyInput).mutation(({ ctx, input }) => denyApp(ctx, input)),
});
