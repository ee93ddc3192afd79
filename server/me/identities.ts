import type { z } from "zod";
import type { identityIdInput } from "@/lib/schemas/sessions";
import { audit } from "@/server/audit/record";
import { linkedIdentities, unlinkIdentity } from "@/server/auth/identities";
import { AppError } from "@/server/errors";
import type { RequestCtx } from "@/server/request";

/** The practices' sign-ins linked to my account (they may sign in as me). */
export const myIdentities = (ctx: RequestCtx) => linkedIdentities(ctx.tx);

/** Unlinks one: that practice's sign-in no longer opens my account (a password or another link still does). */
export async function unlinkMyIdentity(ctx: RequestCtx, input: z.infer<typeof identityIdInput>) {
  const removed = await unlinkIdentity(ctx.tx, input.id);
  if (!removed) throw new AppError("NOT_FOUND", "That sign-in is not linked to your account.");
  await audit(ctx, {
    action: "auth.sso_unlink",
    entityId: ctx.userId,
    detail: { issuer: removed.issuer, practiceId: removed.orgId },
  });
  return { unlinked: true };
}
