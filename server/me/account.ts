import { and, eq, ne, sql } from "drizzle-orm";
import type { z } from "zod";
import type { switchOrgInput } from "@/lib/schemas/sessions";
import { serverTimeZone } from "@/lib/time";
import { audit } from "@/server/audit/record";
import { enterContext } from "@/server/db/context";
import { memberships, organizations, users } from "@/server/db/schema";
import { AppError } from "@/server/errors";
import type { RequestCtx } from "@/server/request";

/**
 * Who am I, where am I, and which practices can I switch to (with my status in each). Reachable
 * while the practice holds the member at two-factor enrollment (it says so: `twoFactor`).
 */
export async function whoAmI(ctx: RequestCtx & { sessionId: string }) {
  const [user] = await ctx.tx
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(eq(users.id, ctx.userId));
  if (!user) throw new AppError("UNAUTHORIZED", "Please sign in.");
  const mine = await ctx.tx
    .select({
      orgId: memberships.orgId,
      role: memberships.role,
      status: memberships.status,
      name: organizations.name,
      slug: organizations.slug,
      timeZone: organizations.timeZone,
    })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    // A pending invitation (`invited`) is not a practice to switch to; it is listed by invitations.mine.
    .where(and(eq(memberships.userId, ctx.userId), ne(memberships.status, "invited")))
    .orderBy(organizations.name);
  const memberOf = mine.map(({ timeZone: _tz, ...m }) => ({ ...m, status: m.status as "active" | "suspended" }));
  const zones = new Map(mine.map((m) => [m.orgId, m.timeZone]));
  const found = memberOf.find((m) => m.orgId === ctx.orgId);
  const current = found ? { ...found, timeZone: zones.get(found.orgId) ?? null } : null;
  const [gate] = await ctx.tx.execute<{ required: boolean; policy: string | null; enrolled: boolean }>(sql`
    select app_mfa_enrollment_required(${ctx.sessionId}::uuid) as required,
           (select o.mfa_policy from organizations o where o.id = app_org_id()) as policy,
           exists (select 1 from user_mfa f where f.user_id = app_user_id() and f.confirmed_at is not null) as enrolled`);
  return {
    twoFactor: {
      enrollmentRequired: Boolean(gate?.required),
      enrolled: Boolean(gate?.enrolled),
      policy: gate?.policy ?? null,
    },
    user,
    org: current && {
      id: current.orgId,
      name: current.name,
      slug: current.slug,
      timeZone: current.timeZone ?? serverTimeZone(),
    },
    role: current?.status === "active" ? current.role : null,
    status: current?.status ?? null,
    memberships: memberOf,
  };
}

/**
 * Moves this session to another practice, in the database (app_session_switch_org): only where the
 * caller is an active member and what the session proved meets that practice's sign-in rules. A
 * session opened by one practice's SSO answers STEP_UP_REQUIRED for any other practice (the UI
 * then signs in for it). The client then renews its cookie, which takes the practice from the database.
 */
export async function switchPractice(
  ctx: RequestCtx & { sessionId: string; secret: string },
  input: z.infer<typeof switchOrgInput>,
) {
  const [row] = await ctx.tx.execute<{ outcome: "switched" | "step_up" | "not_member" }>(
    sql`select app_session_switch_org(${ctx.sessionId}::uuid, ${ctx.secret}, ${input.orgId}::uuid) as outcome`,
  );
  if (row?.outcome === "step_up") throw AppError.of("STEP_UP_REQUIRED");
  if (row?.outcome !== "switched") {
    throw new AppError("FORBIDDEN", "You are not an active member of that practice.");
  }
  await enterContext(ctx.tx, { kind: "session", sessionId: ctx.sessionId, secret: ctx.secret });
  await audit({ ...ctx, orgId: input.orgId }, { action: "session.switch_org", entityId: input.orgId });
  const [org] = await ctx.tx.select().from(organizations).where(eq(organizations.id, input.orgId));
  return { id: org.id, name: org.name, slug: org.slug };
}
