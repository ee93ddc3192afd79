import { eq } from "drizzle-orm";
import type { z } from "zod";
import type { changePasswordInput } from "@/lib/schemas/password";
import { audit } from "@/server/audit/record";
import { hashPassword, passwordMatches } from "@/server/auth/password";
import { assertPasswordPolicy } from "@/server/auth/password-policy";
import { revokeUserSessions } from "@/server/auth/sessions";
import { accountKey, claimAttempt, THROTTLE } from "@/server/auth/throttle";
import { users } from "@/server/db/schema";
import { AppError, CommitThenFail } from "@/server/errors";
import type { RequestCtx } from "@/server/request";

/**
 * A new password must pass the policy; the current one is checked through app_auth_user(),
 * throttled like sign-in (the same per-account budget, counted before the hash is verified; a
 * wrong guess commits its attempt and audit row, CommitThenFail, and then answers BAD_REQUEST).
 * A change ends every other session of the user.
 */
export async function changePassword(
  ctx: RequestCtx & { sessionId: string },
  input: z.infer<typeof changePasswordInput>,
) {
  const [me] = await ctx.tx
    .select({ email: users.email, name: users.name })
    .from(users)
    .where(eq(users.id, ctx.userId));
  assertPasswordPolicy({ email: me.email, name: me.name, password: input.newPassword }, "newPassword");
  const claim = await claimAttempt(ctx.tx, [accountKey(me.email)]);
  if (!claim) {
    throw new AppError("TOO_MANY_REQUESTS", `Too many attempts. Wait ${THROTTLE.windowMinutes} minutes and try again.`);
  }
  if (!(await passwordMatches(me.email, input.currentPassword))) {
    // Commit the attempt (and its audit row) even though the request fails.
    await audit(ctx, { action: "auth.password_change_failed", entityId: ctx.userId });
    throw new CommitThenFail("BAD_REQUEST", "Your current password is not correct.");
  }
  await claim.forgive();
  await ctx.tx
    .update(users)
    .set({ passwordHash: await hashPassword(input.newPassword) })
    .where(eq(users.id, ctx.userId));
  const ended = await revokeUserSessions(ctx.tx, ctx.userId, { except: ctx.sessionId });
  await audit(ctx, { action: "auth.password_change", entityId: ctx.userId, detail: { endedSessions: ended } });
  return { changed: true, endedSessions: ended };
}
