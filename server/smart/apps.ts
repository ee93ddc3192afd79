import { randomBytes } from "node:crypto";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { RegisterAppInput } from "@/lib/schemas/smart";
import { audit } from "@/server/audit/record";
import { hashToken } from "@/server/auth/tokens";
import { textArray } from "@/server/db/arrays";
import { smartApps, sessions } from "@/server/db/schema";
import { AppError } from "@/server/errors";
import type { MemberCtx } from "@/server/request";

export interface AppView {
  id: string;
  clientId: string;
  name: string;
  redirectUris: string[];
  confidential: boolean;
  scopes: string[];
  createdAt: Date;
  disabledAt: Date | null;
}

/** The practice's registered apps, newest first (admins only: the policies answer nobody else). */
export async function listApps(ctx: MemberCtx): Promise<AppView[]> {
  return ctx.tx
    .select({
      id: smartApps.id,
      clientId: smartApps.clientId,
      name: smartApps.name,
      redirectUris: smartApps.redirectUris,
      confidential: smartApps.confidential,
      scopes: smartApps.scopes,
      createdAt: smartApps.createdAt,
      disabledAt: smartApps.disabledAt,
    })
    .from(smartApps)
    .orderBy(desc(smartApps.createdAt))
    .limit(200);
}

/**
 * Registers an app. The client id is random and public; a confidential app's secret is answered
 * here once and stored only as its SHA-256.
 */
export async function registerApp(
  ctx: MemberCtx,
  input: RegisterAppInput,
): Promise<{ id: string; clientId: string; clientSecret: string | null }> {
  const clientId = `cr-${randomBytes(12).toString("base64url")}`;
  const clientSecret = input.confidential ? randomBytes(32).toString("base64url") : null;
  // Only the granted columns are named (the runtime role may not choose ids or timestamps).
  const [row] = await ctx.tx.execute<{ id: string }>(sql`
    insert into smart_apps (org_id, client_id, name, redirect_uris, confidential, secret_hash, scopes, created_by)
    values (${ctx.orgId}, ${clientId}, ${input.name}, ${textArray(input.redirectUris)}, ${input.confidential},
            ${clientSecret ? hashToken(clientSecret) : null}, ${textArray(input.scopes)}, ${ctx.userId})
    returning id`);
  await audit(ctx, {
    action: "smart.app_register",
    entityId: row.id,
    detail: { scopes: input.scopes, confidential: input.confidential, redirectUris: input.redirectUris.length },
  });
  return { id: row.id, clientId, clientSecret };
}

/** Turns an app off for good: its tokens stop on their next use and its sessions end (trigger). */
export async function disableApp(ctx: MemberCtx, appId: string): Promise<{ endedSessions: number }> {
  const [{ live }] = await ctx.tx
    .select({ live: sql<number>`count(*)::int` })
    .from(sessions)
    .where(and(eq(sessions.appId, appId), isNull(sessions.revokedAt)));
  const rows = await ctx.tx
    .update(smartApps)
    .set({ disabledAt: sql`now()` as unknown as Date })
    .where(and(eq(smartApps.id, appId), isNull(smartApps.disabledAt)))
    .returning({ id: smartApps.id });
  if (rows.length === 0) throw new AppError("NOT_FOUND", "No such app, or it is already turned off.");
  await audit(ctx, { action: "smart.app_disable", entityId: appId, detail: { endedSessions: live } });
  return { endedSessions: live };
}
