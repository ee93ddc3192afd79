import { adminOverview } from "../../../admin/overview";
import { adminProcedure } from "../../init";

/** Counts for the admin overview page and the admin navigation. */
export const overviewProcedure = adminProcedure.query(({ ctx }) => adminOverview(ctx.tx));
