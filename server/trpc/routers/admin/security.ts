import { sql } from "drizzle-orm";
import { readPosture } from "../../../security/posture";
import { adminProcedure, router } from "../../init";

export const securityRouter = router({
  /** Live from the catalog, for the login role this very request connected as. */
  posture: adminProcedure.query(async ({ ctx }) => {
    const [{ role }] = await ctx.tx.execute<{ role: string }>(sql`select session_user as role`);
    return readPosture(ctx.tx, role);
  }),
});
