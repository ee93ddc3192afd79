import { sql } from "drizzle-orm";
import type { Tx } from "@/server/db/client";

export interface AdminOverview {
  pendingReviews: number;
  unassignedPatients: number;
  suspendedMembers: number;
  invitedMembers: number;
}

/**
 * What needs an admin's attention, counted in one statement under the admin's own policies
 * (org isolation comes from RLS; the org filter on memberships and invitations is not a security
 * filter but keeps the admin's memberships elsewhere out of the count).
 */
export async function adminOverview(tx: Tx): Promise<AdminOverview> {
  const [row] = await tx.execute<{ pending: number; unassigned: number; suspended: number; invited: number }>(sql`
    select
      (select count(*)::int from public.access_grants g where g.reviewed_at is null) as pending,
      (select count(*)::int from public.patients p
        where p.archived_at is null and not exists (select 1 from public.care_team c where c.patient_id = p.id)) as unassigned,
      (select count(*)::int from public.memberships m where m.org_id = (select app_org_id()) and m.status = 'suspended') as suspended,
      (select count(*)::int from public.invitations i
        where i.org_id = (select app_org_id()) and i.accepted_at is null and i.revoked_at is null and i.expires_at > now()) as invited
  `);
  return {
    pendingReviews: row.pending,
    unassignedPatients: row.unassigned,
    suspendedMembers: row.suspended,
    invitedMembers: row.invited,
  };
}
