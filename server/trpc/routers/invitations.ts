import { acceptExistingInput, acceptNewInput, invitationTokenInput } from "@/lib/schemas/accounts";
import { acceptAsNewAccount, acceptAsSignedIn, myInvitations, previewInvitation } from "@/server/invitations/invitee";
import { anonymousProcedure, router, signedInProcedure } from "@/server/trpc/init";

/** `invitations.*`: the invitee's side of an invitation (server/invitations/invitee.ts). */
export const invitationsRouter = router({
  preview: anonymousProcedure.input(invitationTokenInput).query(({ ctx, input }) => previewInvitation(ctx, input)),
  acceptNew: anonymousProcedure.input(acceptNewInput).mutation(({ ctx, input }) => acceptAsNewAccount(ctx, input)),
  accept: signedInProcedure.input(acceptExistingInput).mutation(({ ctx, input }) => acceptAsSignedIn(ctx, input)),
  mine: signedInProcedure.query(({ ctx }) => myInvitations(ctx)),
});
