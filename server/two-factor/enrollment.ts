import { eq } from "drizzle-orm";
import type { z } from "zod";
import type { confirmEnrollmentInput } from "@/lib/schemas/two-factor";
import { audit } from "@/server/audit/record";
import { beginEnrollment, mfaStatus, regenerateRecoveryCodes, verifyTotp } from "@/server/auth/mfa";
import { claimAttempt, secondFactorKey } from "@/server/auth/throttle";
import { users } from "@/server/db/schema";
import { AppError, CommitThenFail } from "@/server/errors";
import type { RequestCtx } from "@/server/request";

/*
 * The caller's own second factor (the factor itself: server/auth/mfa.ts). The secret is answered
 * once, by `startEnrollment`, and never again; audit rows never carry it.
 */

/** Whether I have a factor (or one pending), and how many recovery codes are left. */
export const factorStatus = (ctx: RequestCtx) => mfaStatus(ctx.tx, ctx.userId);

/** A new secret (QR code as SVG + the secret as text); refused while a confirmed factor exists. */
export async function startEnrollment(ctx: RequestCtx) {
  const [me] = await ctx.tx.select({ email: users.email }).from(users).where(eq(users.id, ctx.userId));
  const started = await beginEnrollment(ctx.tx, ctx.userId, me.email);
  if (!started) throw new AppError("CONFLICT", "Two-factor authentication is already set up.");
  return { secret: started.secret, qrDataUrl: started.qrDataUrl };
}

/**
 * The first code confirms the pending factor; answers the 10 recovery codes (shown once). A wrong
 * code commits its throttle attempt before the request fails.
 */
export async function confirmEnrollment(ctx: RequestCtx, input: z.infer<typeof confirmEnrollmentInput>) {
  const claim = await claimAttempt(ctx.tx, [secondFactorKey(ctx.userId)]);
  if (!claim) throw new AppError("TOO_MANY_REQUESTS", "Too many wrong codes. Wait 15 minutes and try again.");
  if (!(await verifyTotp(ctx.tx, ctx.userId, input.code, { pending: true }))) {
    throw new CommitThenFail(
      "BAD_REQUEST",
      "That code is not right. Check the time on your phone and try the next code.",
    );
  }
  await claim.forgive();
  const recoveryCodes = await regenerateRecoveryCodes(ctx.tx, ctx.userId);
  await audit(ctx, { action: "auth.mfa_enroll", entityId: ctx.userId });
  return { recoveryCodes };
}
