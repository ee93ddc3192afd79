import type { z } from "zod";
import type { sessionIdInput } from "@/lib/schemas/sessions";
import { audit } from "@/server/audit/record";
import { liveSessions, revokeSession, revokeUserSessions } from "@/server/auth/sessions";
import { AppError } from "@/server/errors";
import type { RequestCtx } from "@/server/request";

type SessionCtx = RequestCtx & { sessionId: string };

/** My live sessions (device, last seen, which one is this device). */
export const mySessions = (ctx: SessionCtx) => liveSessions(ctx.tx, ctx.userId, ctx.sessionId);

/** Ends one of my other sessions (this device signs out with Sign out). */
export async function endMySession(ctx: SessionCtx, input: z.infer<typeof sessionIdInput>) {
  if (input.sessionId === ctx.sessionId)
    throw new AppError("BAD_REQUEST", "Use Sign out to end the session on this device.");
  if (!(await revokeSession(ctx.tx, input.sessionId, ctx.userId)))
    throw new AppError("NOT_FOUND", "Session not found.");
  await audit(ctx, { action: "session.end", entityId: input.sessionId });
  return { ended: true };
}

/** Ends every session of mine except this one. */
export async function endMyOtherSessions(ctx: SessionCtx) {
  const ended = await revokeUserSessions(ctx.tx, ctx.userId, { except: ctx.sessionId });
  await audit(ctx, { action: "session.end_others", entityId: ctx.userId, detail: { endedSessions: ended } });
  return { ended };
}
