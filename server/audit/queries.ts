import { and, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { AuditListInput } from "@/lib/schemas/admin";
import { serverTimeZone } from "@/lib/time";
import type { Tx } from "@/server/db/client";
import { columnsOf, patientLabel } from "@/server/db/columns";
import { decodeCursor, takePage } from "@/server/db/pagination";
import { auditEvents, organizations, patients, users } from "@/server/db/schema";
import type { MemberCtx } from "@/server/request";
import { ACCESS_ACTIONS } from "./actions";
import { describeAuditEvent } from "./describe";
import { auditNames } from "./names";

const cursorSchema = z.object({ at: z.string(), id: z.number().int() });

/**
 * Newest first, keyset on (at, id); the policies show admins their own org's events only. Each row
 * also comes in words (`words`: action, entity and details with names, times in the practice's zone).
 */
export async function listAuditEvents(ctx: MemberCtx, input: AuditListInput) {
  const { tx } = ctx;
  const where: SQL[] = [];
  if (input.actorId) where.push(eq(auditEvents.actorId, input.actorId));
  if (input.patientId) where.push(eq(auditEvents.patientId, input.patientId));
  if (input.action) where.push(eq(auditEvents.action, input.action));
  // Whole days in the practice's time zone (the server's zone when the practice has not chosen one).
  const tz = sql`coalesce((select o.time_zone from organizations o where o.id = app_org_id()), ${serverTimeZone()})`;
  if (input.from) where.push(sql`${auditEvents.at} >= (${input.from}::date::timestamp at time zone ${tz})`);
  if (input.to) where.push(sql`${auditEvents.at} < ((${input.to}::date + 1)::timestamp at time zone ${tz})`);
  if (input.cursor) {
    const c = decodeCursor(input.cursor, cursorSchema);
    where.push(sql`(${auditEvents.at}, ${auditEvents.id}) < (${c.at}::timestamptz, ${c.id})`);
  }
  const rows = await tx
    .select({
      ...columnsOf(
        auditEvents,
        "id",
        "at",
        "actorId",
        "action",
        "entity",
        "entityId",
        "patientId",
        "requestId",
        "detail",
      ),
      atText: sql<string>`${auditEvents.at}::text`,
      actorName: users.name,
      ...patientLabel,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorId))
    .leftJoin(patients, eq(patients.id, auditEvents.patientId))
    .where(and(...where))
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(input.limit + 1);
  const { page, nextCursor } = takePage(rows, input.limit, (last) => ({ at: last.atText, id: last.id }));
  const [org] = await tx
    .select({ timeZone: organizations.timeZone })
    .from(organizations)
    .where(eq(organizations.id, ctx.orgId));
  const zone = org?.timeZone ?? serverTimeZone();
  const names = await auditNames(tx, ctx.orgId, page);
  return {
    items: page.map(({ atText: _atText, ...r }) => ({ ...r, words: describeAuditEvent(r, names, zone) })),
    nextCursor,
  };
}

/** Accesses to patient data per day and per member over the last 30 days, for the dashboard chart. */
export async function accessStats(tx: Tx) {
  const recent = and(sql`${auditEvents.at} > now() - interval '30 days'`, inArray(auditEvents.action, ACCESS_ACTIONS));
  const perDay = await tx
    .select({
      day: sql<string>`to_char(date_trunc('day', ${auditEvents.at}), 'YYYY-MM-DD')`,
      events: sql<number>`count(*)::int`,
    })
    .from(auditEvents)
    .where(recent)
    .groupBy(sql`1`)
    .orderBy(sql`1`);
  const perActor = await tx
    .select({ actorId: auditEvents.actorId, name: users.name, events: sql<number>`count(*)::int` })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorId))
    .where(recent)
    .groupBy(auditEvents.actorId, users.name)
    .orderBy(desc(sql`3`));
  return { perDay, perActor };
}
