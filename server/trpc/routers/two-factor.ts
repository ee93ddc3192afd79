import { AppError } from "@/server/errors";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { confirmEnrollmentInput, recoveryCodeInput } from "../../../lib/schemas/two-factor";
import { audit } from "../../audit/record";
import {
  beginEnrollment,
  mfaStatus,
  regenerateRecoveryCodes,
  removeFactor,
  useRecoveryCode,
  verifyTotp,
} from "../../auth/mfa";
import { claimAttempt, secondFactorKey } from "../../auth/throttle";
import { users } from "../../db/schema";
import { CommitThenFail, sessionProcedure, signedInProcedure, router } from "../init";

/**
 * `me.twoFactor.*`. Status and enrollment stay reachable for a member the practice
 * holds at enrollment (sessionProcedure); everything else goes through the gate. The secret is
 * answered once, by `begin`, and never again; audit rows never carry it.
 */
export const twoFactorRouter = router({
  status: sessionProcedure.query(({ ctx }) => mfaStatus(ctx.tx, ctx.userId)),

  /** A new secret (QR code as SVG + the secret as text); refused while a confirmed factor exists. */
  begin: sessionProcedure.mutation(async ({ ctx }) => {
    const [me] = await ctx.tx.select({ email: users.email }).from(users).where(eq(users.id, ctx.userId));
    const started = await beginEnrollment(ctx.tx, ctx.userId, me.email);
    if (!started) throw new AppError("CONFLICT", "Two-factor authentication is already set up.");
    return { secret: started.secret, qrDataUrl: started.qrDataUrl };
  }),

  /** The first code confirms the pending factor; answers the 10 recovery codes (shown once). */
  confirm: sessionProcedure.input(confirmEnrollmentInput).mutation(async ({ ctx, input }) => {
    const claim = await claimAttempt(ctx.tx, [secondFactorKey(ctx.userId)]);
    if (!claim) throw new AppError("TOO_MANY_REQUESTS", "Too many wrong codes. Wait 15 minutes and try again.");
    if (!(await verifyTotp(ctx.tx, ctx.userId, input.code, { pending: true }))) {
      throw new TRPCError({
        code: "BAD_REQUEST",
        message: "That code is not right. Check the time on your phone and try the next code.",
        cause: new CommitThenFail(),
      });
    }
    await claim.forgive();
    const recoveryCodes = await regenerateRecoveryCodes(ctx.tx, ctx.userId);
    await audit(ctx, { action: "auth.mfa_enroll", entityId: ctx.userId });
    return { recoveryCodes };
  }),

  /** New recovery codes (the old ones stop working). */
  regenerateRecoveryCodes: signedInProcedure.mutation(async ({ ctx }) => {
    if (!(await mfaStatus(ctx.tx, ctx.userId)).enrolled)
      throw new AppError("BAD_REQUEST", "Set up two-factor authentication first.");
    const recoveryCodes = await regenerateRecoveryCodes(ctx.tx, ctx.userId);
    await audit(ctx, { action: "auth.mfa_recovery_codes_regenerate", entityId: ctx.userId });
    return { recoveryCodes };
  }),

  /**
   * Removing your own factor needs one of your recovery codes (the database refuses the delete in
   * any transaction that did not just use one). Then you enroll again.
   */
  resetWithRecoveryCode: sessionProcedure.input(recoveryCodeInput).mutation(async ({ ctx, input }) => {
    const claim = await claimAttempt(ctx.tx, [secondFactorKey(ctx.userId)]);
    if (!claim) throw new AppError("TOO_MANY_REQUESTS", "Too many wrong codes. Wait 15 minutes and try again.");
    if (!(await useRecoveryCode(ctx.tx, ctx.userId, input.recoveryCode))) {
      throw new TRPCError({
        code: "BAD_REQUEST",
        message: "That recovery code is not valid (each works once).",
        cause: new CommitThenFail(),
      });
    }
    await claim.forgive();
    await removeFactor(ctx.tx, ctx.userId);
    await audit(ctx, {
      action: "auth.mfa_reset",
      entityId: ctx.userId,
      detail: { by: "self", with: "recovery_code" },
    });
    return { reset: true };
  }),
});
