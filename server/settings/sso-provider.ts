import { eq, sql } from "drizzle-orm";
import type { z } from "zod";
import type { ssoConfigInput } from "@/lib/schemas/two-factor";
import { audit } from "@/server/audit/record";
import { encryptSecret, ssoPurpose } from "@/server/auth/mfa-crypto";
import { orgSso } from "@/server/db/schema";
import { AppError } from "@/server/errors";
import type { MemberCtx } from "@/server/request";

/**
 * The practice's OpenID Connect provider. The client secret is stored encrypted and never
 * answered; audit rows name fields, never values.
 */
export async function saveSsoProvider(ctx: MemberCtx, input: z.infer<typeof ssoConfigInput>) {
  const { orgId } = ctx;
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
}

export async function removeSsoProvider(ctx: MemberCtx) {
  const removed = await ctx.tx.delete(orgSso).where(eq(orgSso.orgId, ctx.orgId)).returning({ orgId: orgSso.orgId });
  if (removed.length) await audit(ctx, { action: "settings.sso_remove", entityId: ctx.orgId });
  return { removed: removed.length > 0 };
}
