import type { z } from "zod";
import type { memberUserInput } from "@/lib/schemas/admin";
import { audit } from "@/server/audit/record";
import { endMemberSessions, liveSessions } from "@/server/auth/sessions";
import type { MemberCtx } from "@/server/request";
import { memberHere } from "./memberships";

type MemberUser = z.infer<typeof memberUserInput>;

/** A member's live sessions (device, last seen). The sessions policy shows only active members'. */
export async function memberSessions(ctx: MemberCtx & { sessionId: string }, input: MemberUser) {
  await memberHere(ctx.tx, input.userId);
  return liveSessions(ctx.tx, input.userId, ctx.sessionId);
}

/**
 * Ends an active member's sessions in this practice (they must sign in again here, on every
 * device); their sessions in another practice go on there but cannot come back here.
 */
export async function signOutEverywhere(ctx: MemberCtx, input: MemberUser) {
  await memberHere(ctx.tx, input.userId);
  const ended = await endMemberSessions(ctx.tx, input.userId);
  await audit(ctx, { action: "member.sign_out_everywhere", entityId: input.userId, detail: { endedSessions: ended } });
  return { ended };
}
