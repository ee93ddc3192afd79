import { sql } from "drizzle-orm";
import { readPosture } from "../../../security/posture";
import { adminProcedure, router } from "../../init";

export const securityRouter = router({
  /** Live from the catalog, for the role this very request runs as. */
  posture: adminProcedure.query(async ({ ctx }) => {
    const [{ role }] = await ctx.tx.execute<{ role: string }>(sql`select current_user as role`);
    return readPosture(ctx.tx, role);
  }),
});
