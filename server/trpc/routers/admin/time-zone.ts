import { timeZoneInput } from "../../../../lib/schemas/settings";
import { audit } from "../../../audit/record";
import { practiceTimeZone, setPracticeTimeZone } from "../../../practice/time-zone";
import { adminProcedure, router } from "../../init";

/** The practice's time zone (Admin → Settings). */
export const timeZoneRouter = router({
  get: adminProcedure.query(({ ctx }) => practiceTimeZone(ctx.tx)),
  set: adminProcedure.input(timeZoneInput).mutation(async ({ ctx, input }) => {
    await setPracticeTimeZone(ctx.tx, ctx.orgId!, input.timeZone);
    await audit(ctx, {
      action: "practice.time_zone",
      entityId: ctx.orgId,
      detail: { timeZone: input.timeZone },
    });
    return { timeZone: input.timeZone };
  }),
});
