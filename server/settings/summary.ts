import { and, asc, eq } from "drizzle-orm";
import { columnsOf } from "@/server/db/columns";
import { memberships, organizations, orgSso, userMfa, users } from "@/server/db/schema";
import type { MemberCtx } from "@/server/request";
import { listDomains } from "@/server/sso/domains";

/**
 * The practice's sign-in settings as the settings page shows them: two-factor policy, each active
 * member's two-factor state, the OpenID Connect provider (never its secret) and the SSO domains.
 */
export async function signInSettings({ tx, orgId, userId }: MemberCtx) {
  const [org] = await tx
    .select({ mfaPolicy: organizations.mfaPolicy, slug: organizations.slug })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  const [sso] = await tx
    .select(columnsOf(orgSso, "issuer", "clientId", "updatedAt"))
    .from(orgSso)
    .where(eq(orgSso.orgId, orgId));
  const members = await tx
    .select({
      userId: users.id,
      ...columnsOf(users, "name", "email"),
      role: memberships.role,
      enrolledAt: userMfa.confirmedAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(userMfa, eq(userMfa.userId, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.status, "active")))
    .orderBy(asc(users.name));
  const ssoDomains = await listDomains(tx, orgId);
  return {
    mfaPolicy: org.mfaPolicy as "off" | "admins" | "everyone",
    slug: org.slug,
    sso: sso ?? null,
    ssoToken: ssoDomains.token,
    ssoDomains: ssoDomains.domains,
    members,
    me: userId,
  };
}
