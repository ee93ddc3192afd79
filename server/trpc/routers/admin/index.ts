import { router } from "@/server/trpc/init";
import { adminAccessRouter } from "./access";
import { appsRouter } from "./apps";
import { auditRouter } from "./audit";
import { adminBreakGlassRouter } from "./break-glass";
import { careTeamRouter } from "./care-team";
import { exportRouter } from "./export";
import { importRouter } from "./import";
import { membersRouter } from "./members";
import { overviewRouter } from "./overview";
import { securityRouter } from "./security";
import { settingsRouter } from "./settings";
import { timeZoneRouter } from "./time-zone";

export const adminRouter = router({
  members: membersRouter,
  careTeam: careTeamRouter,
  audit: auditRouter,
  security: securityRouter,
  breakGlass: adminBreakGlassRouter,
  access: adminAccessRouter,
  settings: settingsRouter,
  overview: overviewRouter,
  timeZone: timeZoneRouter,
  apps: appsRouter,
  import: importRouter,
  export: exportRouter,
});
