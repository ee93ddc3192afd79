import { AppError } from "@/server/errors";
import { TRPCError } from "@trpc/server";
import { and, eq, ne, sql } from "drizzle-orm";
import { changePasswordInput } from "@/lib/schemas/password";
import { serverTimeZone } from "@/lib/time";
import { identityIdInput, sessionIdInput, switchOrgInput } from "@/lib/schemas/sessions";
import { assertPasswordPolicy } from "@/server/auth/password-policy";
import { linkedIdentities, unlinkIdentity } from "@/server/auth/identities";
import { hashPassword, passwordMatches } from "@/server/auth/password";
import { liveSessions, revokeSession, revokeUserSessions } from "@/server/auth/sessions";
import { accountKey, claimAttempt, THROTTLE } from "@/server/auth/throttle";
import { audit } from "@/server/audit/record";
import { enterContext } from "@/server/db/context";
import { memberships, organizations, users } from "@/server/db/schema";
import { CommitThenFail, sessionProcedure, signedInProcedure, router } from "@/server/trpc/init";
import { twoFactorRouter } from "./two-factor";

export const meRouter = router({
  twoFactor: twoFactorRouter,

  /** Who am I, where am I, and which practices can I switch to (with my status in each). */
  // Reachable while the practice holds the member at two-factor enrollment (it says so: `twoFactor`).
  get: sessionProcedure.query(async ({ ctx }) => {
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
  }),

  /**
   * A new password must pass the policy; the current one is checked through app_auth_user(),
   * throttled like sign-in (the same per-account budget, counted before the hash is verified; a
   * wrong guess commits its attempt and audit row, CommitThenFail, and then answers BAD_REQUEST).
   * A change ends every other session of the user.
   */
  changePassword: signedInProcedure.input(changePasswordInput).mutation(async ({ ctx, input }) => {
    const [me] = await ctx.tx
      .select({ email: users.email, name: users.name })
      .from(users)
      .where(eq(users.id, ctx.userId));
    assertPasswordPolicy({ email: me.email, name: me.name, password: input.newPassword }, "newPassword");
    const claim = await claimAttempt(ctx.tx, [accountKey(me.email)]);
    if (!claim) {
      throw new AppError(
        "TOO_MANY_REQUESTS",
        `Too many attempts. Wait ${THROTTLE.windowMinutes} minutes and try again.`,
      );
    }
    if (!(await passwordMatches(me.email, input.currentPassword))) {
      // Commit the attempt (and its audit row) even though the request fails.
      await audit(ctx, { action: "auth.password_change_failed", entityId: ctx.userId });
      throw new TRPCError({
        code: "BAD_REQUEST",
        message: "Your current password is not correct.",
        cause: new CommitThenFail(),
      });
    }
    await claim.forgive();
    await ctx.tx
      .update(users)
      .set({ passwordHash: await hashPassword(input.newPassword) })
      .where(eq(users.id, ctx.userId));
    const ended = await revokeUserSessions(ctx.tx, ctx.userId, { except: ctx.sessionId });
    await audit(ctx, {
      action: "auth.password_change",
      entityId: ctx.userId,
      detail: { endedSessions: ended },
    });
    return { changed: true, endedSessions: ended };
  }),

  /** My live sessions (device, last seen, which one is this device). */
  sessions: signedInProcedure.query(({ ctx }) => liveSessions(ctx.tx, ctx.userId, ctx.sessionId)),

  /** Ends one of my other sessions (this device signs out with Sign out). */
  endSession: signedInProcedure.input(sessionIdInput).mutation(async ({ ctx, input }) => {
    if (input.sessionId === ctx.sessionId)
      throw new AppError("BAD_REQUEST", "Use Sign out to end the session on this device.");
    if (!(await revokeSession(ctx.tx, input.sessionId, ctx.userId)))
      throw new AppError("NOT_FOUND", "Session not found.");
    await audit(ctx, { action: "session.end", entityId: input.sessionId });
    return { ended: true };
  }),

  /** Ends every session of mine except this one. */
  endOtherSessions: signedInProcedure.mutation(async ({ ctx }) => {
    const ended = await revokeUserSessions(ctx.tx, ctx.userId, { except: ctx.sessionId });
    await audit(ctx, {
      action: "session.end_others",
      entityId: ctx.userId,
      detail: { endedSessions: ended },
    });
    return { ended };
  }),

  /**
   * Moves this session to another practice, in the database (app_session_switch_org): only where the
   * caller is an active member and what the session proved meets that practice's sign-in rules. A
   * session opened by one practice's SSO answers STEP_UP_REQUIRED for any other practice (the UI
   * then signs in for it). The client then renews its cookie, which takes the practice from the database.
   */
  // Not gated: switching grants nothing by itself, and the next request is gated in the new practice.
  switchOrg: sessionProcedure.input(switchOrgInput).mutation(async ({ ctx, input }) => {
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
  }),

  /** The practices' sign-ins linked to my account (they may sign in as me). */
  identities: signedInProcedure.query(({ ctx }) => linkedIdentities(ctx.tx)),

  /** Unlinks one: that practice's sign-in no longer opens my account (a password or another link still does). */
  unlinkIdentity: signedInProcedure.input(identityIdInput).mutation(async ({ ctx, input }) => {
    const removed = await unlinkIdentity(ctx.tx, input.id);
    if (!removed) throw new AppError("NOT_FOUND", "That sign-in is not linked to your account.");
    await audit(ctx, {
      action: "auth.sso_unlink",
      entityId: ctx.userId,
      detail: { issuer: removed.issuer, practiceId: removed.orgId },
    });
    return { unlinked: true };
  }),
});
