import { TRPCError } from "@trpc/server";
import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { auditListInput } from "../../../../lib/schemas/admin";
import { serverTimeZone } from "../../../../lib/time";
import { auditEvents, patients, users } from "../../../db/schema";
import { adminProcedure, router } from "../../init";

const cursorSchema = z.object({ at: z.string(), id: z.number().int() });
const ACCESS_ACTIONS = ["patient.view", "patient.list", "note.list", "appointment.list"];

export const auditRouter = router({
  /** Newest first, keyset on (at, id); the policies show admins their own org's events only. */
  list: adminProcedure.input(auditListInput).query(async ({ ctx, input }) => {
    const where: SQL[] = [];
    if (input.actorId) where.push(eq(auditEvents.actorId, input.actorId));
    if (input.patientId) where.push(eq(auditEvents.patientId, input.patientId));
    if (input.action) where.push(eq(auditEvents.action, input.action));
    // Whole days in the practice's time zone (the server's zone when the practice has not chosen one).
    const tz = sql`coalesce((select o.time_zone from organizations o where o.id = app_org_id()), ${serverTimeZone()})`;
    if (input.from) where.push(sql`${auditEvents.at} >= (${input.from}::date::timestamp at time zone ${tz})`);
    if (input.to) where.push(sql`${auditEvents.at} < ((${input.to}::date + 1)::timestamp at time zone ${tz})`);
    if (input.cursor) {
      const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(input.cursor, "base64url").toString() || "null"));
      if (!parsed.success) throw new TRPCError({ code: "BAD_REQUEST", message: "The page cursor is not valid." });
      where.push(sql`(${auditEvents.at}, ${auditEvents.id}) < (${parsed.data.at}::timestamptz, ${parsed.data.id})`);
    }
    const rows = await ctx.tx
      .select({
        id: auditEvents.id,
        at: auditEvents.at,
        atText: sql<string>`${auditEvents.at}::text`,
        actorId: auditEvents.actorId,
        actorName: users.name,
        action: auditEvents.action,
        entity: auditEvents.entity,
        entityId: auditEvents.entityId,
        patientId: auditEvents.patientId,
        patientName: sql<string | null>`${patients.givenName} || ' ' || ${patients.familyName}`,
        patientMrn: patients.mrn,
        requestId: auditEvents.requestId,
        detail: auditEvents.detail,
      })
      .from(auditEvents)
      .leftJoin(users, eq(users.id, auditEvents.actorId))
      .leftJoin(patients, eq(patients.id, auditEvents.patientId))
      .where(and(...where))
      .orderBy(desc(auditEvents.at), desc(auditEvents.id))
      .limit(input.limit + 1);
    const page = rows.slice(0, input.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(({ atText: _atText, ...r }) => r),
      nextCursor: rows.length > input.limit ? Buffer.from(JSON.stringify({ at: last.atText, id: last.id })).toString("base64url") : null,
    };
  }),

  /** Access events per day and per clinician over the last 30 days, for the dashboard chart. */
  accessStats: adminProcedure.query(async ({ ctx }) => {
    const recent = and(sql`${auditEvents.at} > now() - interval '30 days'`, sql`${auditEvents.action} in ${ACCESS_ACTIONS}`);
    const perDay = await ctx.tx
      .select({ day: sql<string>`to_char(date_trunc('day', ${auditEvents.at}), 'YYYY-MM-DD')`, events: sql<number>`count(*)::int` })
      .from(auditEvents)
      .where(recent)
      .groupBy(sql`1`)
      .orderBy(sql`1`);
    const perActor = await ctx.tx
      .select({ actorId: auditEvents.actorId, name: users.name, events: sql<number>`count(*)::int` })
      .from(auditEvents)
      .leftJoin(users, eq(users.id, auditEvents.actorId))
      .where(recent)
      .groupBy(auditEvents.actorId, users.name)
      .orderBy(desc(sql`3`));
    return { perDay, perActor };
  }),
});
