import { sql } from "drizzle-orm";
import { readPosture } from "../../../security/posture";
import { adminProcedure, router } from "../../init";

export const securityRouter = router({
  /** Live from the catalog, for the login role this very request connected as, plus this practice's review gap. */
  posture: adminProcedure.query(async ({ ctx }) => {
    const [{ role }] = await ctx.tx.execute<{ role: string }>(sql`select session_user as role`);
    // Grants whose only possible reviewer is their own grantee (the database refuses self-review).
    const [{ unreviewable }] = await ctx.tx.execute<{ unreviewable: number }>(sql`
      select count(*)::int as unreviewable from access_grants g
      where g.reviewed_at is null
        and not exists (select 1 from memberships m
                        where m.org_id = g.org_id and m.user_id <> g.clinician_id and m.role = 'admin' and m.status = 'active')`);
    return { ...(await readPosture(ctx.tx, role)), practice: { unreviewableGrants: unreviewable } };
  }),
});
