import {
  breakGlassGrantInput,
  breakGlassHistoryInput,
  breakGlassListInput,
  breakGlassReviewInput,
} from "@/lib/schemas/break-glass";
import { grantHistory } from "@/server/break-glass/queries";
import { reviewGrant, reviewQueue, revokeAnyGrant } from "@/server/break-glass/review";
import { adminProcedure, router } from "@/server/trpc/init";

/** `admin.breakGlass.*`: reviewing and ending emergency access (server/break-glass/). */
export const adminBreakGlassRouter = router({
  list: adminProcedure.input(breakGlassListInput).query(({ ctx, input }) => reviewQueue(ctx, input)),
  review: adminProcedure.input(breakGlassReviewInput).mutation(({ ctx, input }) => reviewGrant(ctx, input)),
  history: adminProcedure.input(breakGlassHistoryInput).query(({ ctx, input }) => grantHistory(ctx.tx, input)),
  revoke: adminProcedure.input(breakGlassGrantInput).mutation(({ ctx, input }) => revokeAnyGrant(ctx, input)),
});
