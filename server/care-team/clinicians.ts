import { asc, count, eq } from "drizzle-orm";
import { careTeam, memberships, users } from "@/server/db/schema";
import { activeClinicianHere } from "@/server/members/memberships";
import type { MemberCtx } from "@/server/request";

/** Active clinicians of the practice with their panel sizes (the count comes from care_team under RLS). */
export function cliniciansWithPanels({ tx }: MemberCtx) {
  return tx
    .select({ userId: users.id, name: users.name, panelSize: count(careTeam.patientId) })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(careTeam, eq(careTeam.clinicianId, memberships.userId))
    .where(activeClinicianHere())
    .groupBy(users.id, users.name)
    .orderBy(asc(users.name));
}
