import { sql } from "drizzle-orm";
import type { MemberCtx } from "@/server/request";
import { readPosture } from "./posture";

/** Live from the catalog, for the login role this very request connected as, plus this practice's review gap. */
export async function securityPosture({ tx }: MemberCtx) {
  const [{ role }] = await tx.execute<{ role: string }>(sql`select session_user as role`);
  // Grants whose only possible reviewer is their own grantee (the database refuses self-review).
  const [{ unreviewable }] = await tx.execute<{ unreviewable: number }>(sql`
    select count(*)::int as unreviewable from access_grants g
    where g.reviewed_at is null
      and not exists (select 1 from memberships m
                      where m.org_id = g.org_id and m.user_id <> g.clinician_id and m.role = 'admin' and m.status = 'active')`);
  return { ...(await readPosture(tx, role)), practice: { unreviewableGrants: unreviewable } };
}
