import { confirmEnrollmentInput, recoveryCodeInput } from "@/lib/schemas/two-factor";
import { confirmEnrollment, factorStatus, startEnrollment } from "@/server/two-factor/enrollment";
import { newRecoveryCodes, resetWithRecoveryCode } from "@/server/two-factor/recovery";
import { router, sessionProcedure, signedInProcedure } from "@/server/trpc/init";

/**
 * `me.twoFactor.*` (server/two-factor/). Status, enrollment and the reset with a recovery code stay
 * reachable for a member the practice holds at enrollment (sessionProcedure); new recovery codes
 * go through the gate.
 */
export const twoFactorRouter = router({
  status: sessionProcedure.query(({ ctx }) => factorStatus(ctx)),
  begin: sessionProcedure.mutation(({ ctx }) => startEnrollment(ctx)),
  confirm: sessionProcedure.input(confirmEnrollmentInput).mutation(({ ctx, input }) => confirmEnrollment(ctx, input)),
  regenerateRecoveryCodes: signedInProcedure.mutation(({ ctx }) => newRecoveryCodes(ctx)),
  resetWithRecoveryCode: sessionProcedure
    .input(recoveryCodeInput)
    .mutation(({ ctx, input }) => resetWithRecoveryCode(ctx, input)),
});
