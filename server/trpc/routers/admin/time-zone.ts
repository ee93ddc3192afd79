import { timeZoneInput } from "@/lib/schemas/settings";
import { changePracticeTimeZone, practiceTimeZone } from "@/server/practice/time-zone";
import { adminProcedure, router } from "@/server/trpc/init";

/** The practice's time zone (Admin → Settings; server/practice/time-zone.ts). */
export const timeZoneRouter = router({
  get: adminProcedure.query(({ ctx }) => practiceTimeZone(ctx.tx)),
  set: adminProcedure.input(timeZoneInput).mutation(({ ctx, input }) => changePracticeTimeZone(ctx, input)),
});
