import { AppError } from "@/server/errors";
import { and, asc, eq, sql } from "drizzle-orm";
import { mfaPolicyInput, resetMemberFactorInput, ssoConfigInput } from "../../../../lib/schemas/two-factor";
import { audit } from "../../../audit/record";
import { removeFactor } from "../../../auth/mfa";
import { encryptSecret, ssoPurpose } from "../../../auth/mfa-crypto";
import { memberships, organizations, orgSso, userMfa, users } from "../../../db/schema";
import { listDomains } from "../../../sso/domains";
import { adminProcedure, router } from "../../init";
import { ssoDomainProcedures } from "./sso-domains";

/**
 * `admin.settings.*`: the practice's sign-in settings — two-factor policy, each
 * member's two-factor state (and the reset), the practice's OpenID Connect provider and the email
 * domains it covers (./sso-domains.ts). The client secret is stored encrypted and never answered;
 * audit rows name fields, never values.
 */
const MEMBER_OF_ANOTHER_PRACTICE =
  "This member also belongs to another practice, so their second factor guards that practice too. They can replace it themselves with a recovery code on their account page; nobody else can reset it.";

export const settingsRouter = router({
  get: adminProcedure.query(async ({ ctx }) => {
    const [org] = await ctx.tx
      .select({ mfaPolicy: organizations.mfaPolicy, slug: organizations.slug })
      .from(organizations)
      .where(eq(organizations.id, ctx.orgId!));
    const [sso] = await ctx.tx
      .select({
        issuer: orgSso.issuer,
        clientId: orgSso.clientId,
        updatedAt: orgSso.updatedAt,
      })
      .from(orgSso)
      .where(eq(orgSso.orgId, ctx.orgId!));
    const members = await ctx.tx
      .select({
        userId: users.id,
        name: users.name,
        email: users.email,
        role: memberships.role,
        enrolledAt: userMfa.confirmedAt,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .leftJoin(userMfa, eq(userMfa.userId, memberships.userId))
      .where(and(eq(memberships.orgId, ctx.orgId!), eq(memberships.status, "active")))
      .orderBy(asc(users.name));
    const ssoDomains = await listDomains(ctx.tx, ctx.orgId);
    return {
      mfaPolicy: org.mfaPolicy as "off" | "admins" | "everyone",
      slug: org.slug,
      sso: sso ?? null,
      ssoToken: ssoDomains.token,
      ssoDomains: ssoDomains.domains,
      members,
      me: ctx.userId,
    };
  }),

  setMfaPolicy: adminProcedure.input(mfaPolicyInput).mutation(async ({ ctx, input }) => {
    await ctx.tx.update(organizations).set({ mfaPolicy: input.policy }).where(eq(organizations.id, ctx.orgId!));
    await audit(ctx, {
      action: "settings.mfa_policy",
      entityId: ctx.orgId,
      detail: { policy: input.policy },
    });
    return { policy: input.policy };
  }),

  /** Removes a member's factor and recovery codes; they must enroll again. Never your own (use a recovery code). */
  resetMemberFactor: adminProcedure.input(resetMemberFactorInput).mutation(async ({ ctx, input }) => {
    if (input.userId === ctx.userId) {
      throw new AppError(
        "BAD_REQUEST",
        "You cannot reset your own second factor here. Use one of your recovery codes on your account page.",
      );
    }
    // Someone who is not an active member here is not found, whatever else they belong to.
    const [member] = await ctx.tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(
        and(eq(memberships.userId, input.userId), eq(memberships.orgId, ctx.orgId!), eq(memberships.status, "active")),
      );
    if (!member) throw new AppError("NOT_FOUND", "That member has no second factor.");
    // A factor guards every practice its owner belongs to: the policies let an admin remove it only
    // for someone who belongs to no other practice (app_member_only_here).
    const [scope] = await ctx.tx.execute<{ only_here: boolean }>(
      sql`select app_member_only_here(${input.userId}::uuid) as only_here`,
    );
    if (!scope?.only_here) throw new AppError("FORBIDDEN", MEMBER_OF_ANOTHER_PRACTICE);
    if (!(await removeFactor(ctx.tx, input.userId)))
      throw new AppError("NOT_FOUND", "That member has no second factor.");
    await audit(ctx, { action: "auth.mfa_reset", entityId: input.userId, detail: { by: "admin" } });
    return { reset: true };
  }),

  saveSso: adminProcedure.input(ssoConfigInput).mutation(async ({ ctx, input }) => {
    const orgId = ctx.orgId!;
    const [existing] = await ctx.tx.select({ orgId: orgSso.orgId }).from(orgSso).where(eq(orgSso.orgId, orgId));
    if (!existing && !input.clientSecret) throw new AppError("BAD_REQUEST", "Enter the client secret.");
    const secret = input.clientSecret ? { clientSecretEnc: encryptSecret(input.clientSecret, ssoPurpose(orgId)) } : {};
    if (existing) {
      await ctx.tx
        .update(orgSso)
        .set({
          issuer: input.issuer,
          clientId: input.clientId,
          updatedAt: sql`now()` as unknown as Date,
          ...secret,
        })
        .where(eq(orgSso.orgId, orgId));
    } else {
      // Only the granted columns (drizzle's insert would name every column, with DEFAULT).
      await ctx.tx.execute(
        sql`insert into org_sso (org_id, issuer, client_id, client_secret_enc) values (${orgId}, ${input.issuer}, ${input.clientId}, ${secret.clientSecretEnc!})`,
      );
    }
    await audit(ctx, {
      action: "settings.sso_save",
      entityId: orgId,
      detail: { issuer: input.issuer, secretChanged: Boolean(input.clientSecret) },
    });
    return { saved: true };
  }),

  removeSso: adminProcedure.mutation(async ({ ctx }) => {
    const removed = await ctx.tx.delete(orgSso).where(eq(orgSso.orgId, ctx.orgId!)).returning({ orgId: orgSso.orgId });
    if (removed.length) await audit(ctx, { action: "settings.sso_remove", entityId: ctx.orgId });
    return { removed: removed.length > 0 };
  }),

  ...ssoDomainProcedures,
});
