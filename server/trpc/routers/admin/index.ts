import { router } from "../../init";
import { auditRouter } from "./audit";
import { adminBreakGlassRouter } from "./break-glass";
import { careTeamRouter } from "./care-team";
import { membersRouter } from "./members";
import { securityRouter } from "./security";

export const adminRouter = router({
  members: membersRouter,
  careTeam: careTeamRouter,
  audit: auditRouter,
  security: securityRouter,
  breakGlass: adminBreakGlassRouter,
});
