import { sql } from "drizzle-orm";
import type { z } from "zod";
import type { forgotPasswordInput, invitationTokenInput, resetPasswordInput } from "@/lib/schemas/accounts";
import { hashPassword } from "@/server/auth/password";
import { assertPasswordPolicy } from "@/server/auth/password-policy";
import { claimAttempt, RESET_THROTTLE, resetKeys } from "@/server/auth/throttle";
import { hashToken, newToken } from "@/server/auth/tokens";
import { getAuthDb, type Db } from "@/server/db/client";
import { AppError } from "@/server/errors";
import { sendMail } from "@/server/mail";
import { passwordResetMail } from "@/server/mail/messages";

/**
 * Forgot-password links. The reset functions run on the sign-in path's own login (careroster_auth):
 * a reset sets a password, so the runtime role cannot make or complete one.
 */

type PublicCtx = { db: Db; requestId: string; clientAddress: string | null };

/** One answer for every email, known or not, so the form tells nobody who has an account. */
export const RESET_REQUESTED =
  "If an account uses that email, we have sent it a link to reset the password. The link works once, for 30 minutes.";

/**
 * Throttled per email and per client address (counted at once, on the app's pool). The mail goes
 * out without the caller waiting for it: the same timing for a known and an unknown email.
 */
export async function requestReset(ctx: PublicCtx, input: z.infer<typeof forgotPasswordInput>) {
  if (!(await claimAttempt(ctx.db, resetKeys(input.email, ctx.clientAddress), RESET_THROTTLE.windowMinutes)))
    throw new AppError("TOO_MANY_REQUESTS", "Too many reset requests. Wait 15 minutes and try again.");
  const { token, hash } = newToken();
  const [account] = await getAuthDb().execute<{ email: string; name: string }>(
    sql`select * from app_password_reset_request(${input.email}, ${hash}, ${ctx.requestId})`,
  );
  if (account)
    sendMail(passwordResetMail({ to: account.email, name: account.name, token })).catch((err: unknown) =>
      console.error("careroster: password reset mail failed", (err as Error)?.name),
    );
  return { message: RESET_REQUESTED };
}

/** The email behind a valid link (shown on the page and used by the strength estimate), or null. */
export async function previewReset(input: z.infer<typeof invitationTokenInput>) {
  const [row] = await getAuthDb().execute<{ email: string; name: string }>(
    sql`select * from app_password_reset_preview(${hashToken(input.token)})`,
  );
  return row ? { email: row.email, name: row.name } : null;
}

/** Sets the new password from a valid link, once; the database ends every session of the account. */
export async function completeReset(ctx: { requestId: string }, input: z.infer<typeof resetPasswordInput>) {
  const tokenHash = hashToken(input.token);
  return getAuthDb().transaction(async (tx) => {
    const [row] = await tx.execute<{ email: string; name: string }>(
      sql`select * from app_password_reset_preview(${tokenHash})`,
    );
    if (!row) throw new AppError("NOT_FOUND", "This reset link is not valid: it was used or has expired.");
    assertPasswordPolicy({ email: row.email, name: row.name, password: input.password }, "password");
    await tx.execute(
      sql`select app_password_reset_complete(${tokenHash}, ${await hashPassword(input.password)}, ${ctx.requestId})`,
    );
    return { email: row.email };
  });
}
