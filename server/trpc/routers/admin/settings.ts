import { mfaPolicyInput, resetMemberFactorInput, ssoConfigInput } from "@/lib/schemas/two-factor";
import { removeSsoProvider, saveSsoProvider } from "@/server/settings/sso-provider";
import { signInSettings } from "@/server/settings/summary";
import { resetFactor, setMfaPolicy } from "@/server/settings/two-factor";
import { adminProcedure, router } from "@/server/trpc/init";
import { ssoDomainProcedures } from "./sso-domains";

/**
 * `admin.settings.*`: the practice's sign-in settings — two-factor policy, each member's two-factor
 * state (and the reset), the practice's OpenID Connect provider (server/settings/) and the email
 * domains it covers (./sso-domains.ts).
 */
export const settingsRouter = router({
  get: adminProcedure.query(({ ctx }) => signInSettings(ctx)),
  setMfaPolicy: adminProcedure.input(mfaPolicyInput).mutation(({ ctx, input }) => setMfaPolicy(ctx, input)),
  resetMemberFactor: adminProcedure.input(resetMemberFactorInput).mutation(({ ctx, input }) => resetFactor(ctx, input)),
  saveSso: adminProcedure.input(ssoConfigInput).mutation(({ ctx, input }) => saveSsoProvider(ctx, input)),
  removeSso: adminProcedure.mutation(({ ctx }) => removeSsoProvider(ctx)),
  ...ssoDomainProcedures,
});
