import { invitationIdInput, inviteInput } from "@/lib/schemas/accounts";
import { memberRoleChangeInput, memberStatusInput, memberUserInput } from "@/lib/schemas/admin";
import { invite, pendingInvitations, resendInvitation, revokeInvitation } from "@/server/members/invitations";
import { listMembers, setMemberRole, setMemberStatus } from "@/server/members/memberships";
import { memberSessions, signOutEverywhere } from "@/server/members/sessions";
import { adminProcedure, router } from "@/server/trpc/init";

/** `admin.members.*`: the practice's members, their invitations and their sessions (server/members/). */
export const membersRouter = router({
  list: adminProcedure.query(({ ctx }) => listMembers(ctx)),
  invite: adminProcedure.input(inviteInput).mutation(({ ctx, input }) => invite(ctx, input)),
  invitations: adminProcedure.query(({ ctx }) => pendingInvitations(ctx)),
  resendInvitation: adminProcedure.input(invitationIdInput).mutation(({ ctx, input }) => resendInvitation(ctx, input)),
  revokeInvitation: adminProcedure.input(invitationIdInput).mutation(({ ctx, input }) => revokeInvitation(ctx, input)),
  setRole: adminProcedure.input(memberRoleChangeInput).mutation(({ ctx, input }) => setMemberRole(ctx, input)),
  sessions: adminProcedure.input(memberUserInput).query(({ ctx, input }) => memberSessions(ctx, input)),
  signOutEverywhere: adminProcedure.input(memberUserInput).mutation(({ ctx, input }) => signOutEverywhere(ctx, input)),
  setStatus: adminProcedure.input(memberStatusInput).mutation(({ ctx, input }) => setMemberStatus(ctx, input)),
});
