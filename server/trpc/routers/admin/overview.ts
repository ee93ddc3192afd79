import { adminOverview } from "@/server/admin/overview";
import { adminProcedure, router } from "@/server/trpc/init";

/** Counts for the admin overview page and the admin navigation. */
export const overviewRouter = router({
  get: adminProcedure.query(({ ctx }) => adminOverview(ctx.tx)),
});
