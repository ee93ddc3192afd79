import { changePasswordInput } from "@/lib/schemas/password";
import { identityIdInput, sessionIdInput, switchOrgInput } from "@/lib/schemas/sessions";
import { switchPractice, whoAmI } from "@/server/me/account";
import { myIdentities, unlinkMyIdentity } from "@/server/me/identities";
import { changePassword } from "@/server/me/password";
import { endMyOtherSessions, endMySession, mySessions } from "@/server/me/sessions";
import { router, sessionProcedure, signedInProcedure } from "@/server/trpc/init";
import { twoFactorRouter } from "./two-factor";

/**
 * `me.*`: the caller's own account (server/me/). `get` and `switchOrg` stay reachable while the
 * practice holds the member at two-factor enrollment: who am I says so, and switching grants
 * nothing by itself (the next request is gated in the new practice).
 */
export const meRouter = router({
  twoFactor: twoFactorRouter,
  get: sessionProcedure.query(({ ctx }) => whoAmI(ctx)),
  changePassword: signedInProcedure.input(changePasswordInput).mutation(({ ctx, input }) => changePassword(ctx, input)),
  sessions: signedInProcedure.query(({ ctx }) => mySessions(ctx)),
  endSession: signedInProcedure.input(sessionIdInput).mutation(({ ctx, input }) => endMySession(ctx, input)),
  endOtherSessions: signedInProcedure.mutation(({ ctx }) => endMyOtherSessions(ctx)),
  switchOrg: sessionProcedure.input(switchOrgInput).mutation(({ ctx, input }) => switchPractice(ctx, input)),
  identities: signedInProcedure.query(({ ctx }) => myIdentities(ctx)),
  unlinkIdentity: signedInProcedure.input(identityIdInput).mutation(({ ctx, input }) => unlinkMyIdentity(ctx, input)),
});
