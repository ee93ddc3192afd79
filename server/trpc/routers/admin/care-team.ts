import { careTeamAssignInput, careTeamListInput, careTeamUnassignInput } from "@/lib/schemas/admin";
import { assignToTeams, unassignFromTeam } from "@/server/care-team/assignments";
import { cliniciansWithPanels } from "@/server/care-team/clinicians";
import { patientsWithTeams } from "@/server/care-team/queries";
import { adminProcedure, router } from "@/server/trpc/init";

/** `admin.careTeam.*`: who looks after whom (server/care-team/). */
export const careTeamRouter = router({
  clinicians: adminProcedure.query(({ ctx }) => cliniciansWithPanels(ctx)),
  patients: adminProcedure.input(careTeamListInput).query(({ ctx, input }) => patientsWithTeams(ctx.tx, input)),
  assign: adminProcedure.input(careTeamAssignInput).mutation(({ ctx, input }) => assignToTeams(ctx, input)),
  unassign: adminProcedure.input(careTeamUnassignInput).mutation(({ ctx, input }) => unassignFromTeam(ctx, input)),
});
