import { appIdInput, registerAppInput } from "@/lib/schemas/smart";
import { disableApp, listApps, registerApp } from "@/server/smart/apps";
import { adminProcedure, router } from "@/server/trpc/init";

/** `admin.apps.*`: the practice's SMART on FHIR apps (server/smart/apps.ts). */
export const appsRouter = router({
  list: adminProcedure.query(({ ctx }) => listApps(ctx)),
  register: adminProcedure.input(registerAppInput).mutation(({ ctx, input }) => registerApp(ctx, input)),
  disable: adminProcedure.input(appIdInput).mutation(({ ctx, input }) => disableApp(ctx, input.appId)),
});
