import { desc, eq } from "drizzle-orm";
import type { Tx } from "@/server/db/client";
import { organizations, userIdentities } from "@/server/db/schema";

/** The caller's linked sign-ins, newest first (the policies show only one's own). */
export function linkedIdentities(tx: Tx) {
  return tx
    .select({
      id: userIdentities.id,
      practice: organizations.name,
      issuer: userIdentities.issuer,
      email: userIdentities.email,
      linkedVia: userIdentities.linkedVia,
      linkedAt: userIdentities.linkedAt,
    })
    .from(userIdentities)
    .leftJoin(organizations, eq(organizations.id, userIdentities.orgId))
    .orderBy(desc(userIdentities.linkedAt));
}

/** Removes one of the caller's links; answers what it was, or null when there was none. */
export async function unlinkIdentity(tx: Tx, id: string) {
  const [row] = await tx
    .delete(userIdentities)
    .where(eq(userIdentities.id, id))
    .returning({ orgId: userIdentities.orgId, issuer: userIdentities.issuer });
  return row ?? null;
}
