import { AppError } from "@/server/errors";
import { eq, sql } from "drizzle-orm";
import type { z } from "zod";
import type { timeZoneInput } from "@/lib/schemas/settings";
import { audit } from "@/server/audit/record";
import type { MemberCtx } from "@/server/request";
import { serverTimeZone } from "@/lib/time";
import type { Tx } from "@/server/db/client";
import { organizations } from "@/server/db/schema";

/** The current practice's zone and whether it was chosen (null in the table = the server's zone). */
export async function practiceTimeZone(tx: Tx): Promise<{ timeZone: string; chosen: boolean; serverTimeZone: string }> {
  const [row] = await tx
    .select({ timeZone: organizations.timeZone })
    .from(organizations)
    .where(sql`${organizations.id} = (select app_org_id())`);
  if (!row) throw new AppError("NOT_FOUND", "No current practice.");
  return {
    timeZone: row.timeZone ?? serverTimeZone(),
    chosen: row.timeZone !== null,
    serverTimeZone: serverTimeZone(),
  };
}

/** Sets it (the update policy lets only an admin of the current practice do so). */
export async function setPracticeTimeZone(tx: Tx, orgId: string, timeZone: string): Promise<void> {
  const rows = await tx
    .update(organizations)
    .set({ timeZone })
    .where(eq(organizations.id, orgId))
    .returning({ id: organizations.id });
  if (rows.length === 0) throw new AppError("FORBIDDEN", "Only an admin of this practice can change its time zone.");
}

/** Admin → Settings: sets the practice's zone and records the change. */
export async function changePracticeTimeZone(ctx: MemberCtx, input: z.infer<typeof timeZoneInput>) {
  await setPracticeTimeZone(ctx.tx, ctx.orgId, input.timeZone);
  await audit(ctx, { action: "practice.time_zone", entityId: ctx.orgId, detail: { timeZone: input.timeZone } });
  return { timeZone: input.timeZone };
}
