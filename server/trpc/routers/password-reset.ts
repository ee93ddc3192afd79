import { TRPCError } from "@trpc/server";
import { sql } from "drizzle-orm";
import { forgotPasswordInput, invitationTokenInput, resetPasswordInput } from "../../../lib/schemas/accounts";
import { hashPassword } from "../../auth/password";
import { assertPasswordPolicy } from "../../auth/password-policy";
import { claimAttempt, RESET_THROTTLE, resetKeys } from "../../auth/throttle";
import { hashToken, newToken } from "../../auth/tokens";
import { sendMail } from "../../mail";
import { passwordResetMail } from "../../mail/messages";
import { anonymousTx, publicProcedure, router } from "../init";

/** One answer for every email, known or not, so the form tells nobody who has an account. */
export const RESET_REQUESTED =
  "If an account uses that email, we have sent it a link to reset the password. The link works once, for 30 minutes.";

export const passwordResetRouter = router({
  /** Throttled per email and per client address; the mail goes out without the caller waiting for it (equal timing). */
  request: publicProcedure.input(forgotPasswordInput).mutation(async ({ ctx, input }) => {
    if (!(await claimAttempt(ctx.db, resetKeys(input.email, ctx.clientAddress), RESET_THROTTLE.windowMinutes))) {
      throw new TRPCError({
        code: "TOO_MANY_REQUESTS",
        message: "Too many reset requests. Wait 15 minutes and try again.",
      });
    }
    const { token, hash } = newToken();
    const account = await anonymousTx(ctx.db, async (tx) => {
      const [row] = await tx.execute<{ email: string; name: string }>(
        sql`select * from app_password_reset_request(${input.email}, ${hash}, ${ctx.requestId})`,
      );
      return row ?? null;
    });
    if (account) {
      sendMail(passwordResetMail({ to: account.email, name: account.name, token })).catch((err: unknown) =>
        console.error(`[mail] password reset mail failed: ${(err as Error).message}`),
      );
    }
    return { message: RESET_REQUESTED };
  }),

  /** The email behind a valid link (shown on the page and used by the strength estimate), or null. */
  preview: publicProcedure.input(invitationTokenInput).query(({ ctx, input }) =>
    anonymousTx(ctx.db, async (tx) => {
      const [row] = await tx.execute<{ email: string; name: string }>(
        sql`select * from app_password_reset_preview(${hashToken(input.token)})`,
      );
      return row ? { email: row.email, name: row.name } : null;
    }),
  ),

  complete: publicProcedure.input(resetPasswordInput).mutation(({ ctx, input }) =>
    anonymousTx(ctx.db, async (tx) => {
      const tokenHash = hashToken(input.token);
      const [row] = await tx.execute<{ email: string; name: string }>(
        sql`select * from app_password_reset_preview(${tokenHash})`,
      );
      if (!row)
        throw new TRPCError({
          code: "NOT_FOUND",
          message: "This reset link is not valid: it was used or has expired.",
        });
      assertPasswordPolicy({ email: row.email, name: row.name, password: input.password }, "password");
      await tx.execute(
        sql`select app_password_reset_complete(${tokenHash}, ${await hashPassword(input.password)}, ${ctx.requestId})`,
      );
      return { email: row.email };
    }),
  ),
});
