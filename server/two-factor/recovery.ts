import type { z } from "zod";
import type { recoveryCodeInput } from "@/lib/schemas/two-factor";
import { audit } from "@/server/audit/record";
import { mfaStatus, regenerateRecoveryCodes, removeFactor, spendRecoveryCode } from "@/server/auth/mfa";
import { claimAttempt, secondFactorKey } from "@/server/auth/throttle";
import { AppError, CommitThenFail } from "@/server/errors";
import type { RequestCtx } from "@/server/request";

/** New recovery codes (the old ones stop working). */
export async function newRecoveryCodes(ctx: RequestCtx) {
  if (!(await mfaStatus(ctx.tx, ctx.userId)).enrolled)
    throw new AppError("BAD_REQUEST", "Set up two-factor authentication first.");
  const recoveryCodes = await regenerateRecoveryCodes(ctx.tx, ctx.userId);
  await audit(ctx, { action: "auth.mfa_recovery_codes_regenerate", entityId: ctx.userId });
  return { recoveryCodes };
}

/**
 * Removing your own factor needs one of your recovery codes (the database refuses the delete in
 * any transaction that did not just use one). Then you enroll again. A wrong code commits its
 * throttle attempt before the request fails.
 */
export async function resetWithRecoveryCode(ctx: RequestCtx, input: z.infer<typeof recoveryCodeInput>) {
  const claim = await claimAttempt(ctx.tx, [secondFactorKey(ctx.userId)]);
  if (!claim) throw new AppError("TOO_MANY_REQUESTS", "Too many wrong codes. Wait 15 minutes and try again.");
  if (!(await spendRecoveryCode(ctx.tx, ctx.userId, input.recoveryCode))) {
    throw new CommitThenFail("BAD_REQUEST", "That recovery code is not valid (each works once).");
  }
  await claim.forgive();
  await removeFactor(ctx.tx, ctx.userId);
  await audit(ctx, { action: "auth.mfa_reset", entityId: ctx.userId, detail: { by: "self", with: "recovery_code" } });
  return { reset: true };
}
