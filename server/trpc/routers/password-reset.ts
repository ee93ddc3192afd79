import { forgotPasswordInput, invitationTokenInput, resetPasswordInput } from "@/lib/schemas/accounts";
import { completeReset, previewReset, requestReset } from "@/server/password-reset/reset";
import { publicProcedure, router } from "@/server/trpc/init";

/** `passwordReset.*`: forgot-password links (server/password-reset/reset.ts). */
export const passwordResetRouter = router({
  request: publicProcedure.input(forgotPasswordInput).mutation(({ ctx, input }) => requestReset(ctx, input)),
  preview: publicProcedure.input(invitationTokenInput).query(({ input }) => previewReset(input)),
  complete: publicProcedure.input(resetPasswordInput).mutation(({ ctx, input }) => completeReset(ctx, input)),
});
