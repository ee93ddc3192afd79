import { asc, eq, sql } from "drizzle-orm";
import type { ScheduleInput } from "@/lib/schemas/appointments";
import { addDays, isoDay, weekStart } from "@/lib/time";
import { audit } from "@/server/audit/record";
import { memberships, users } from "@/server/db/schema";
import { activeClinicianHere } from "@/server/members/memberships";
import type { RequestCtx } from "@/server/request";
import { practiceZone } from "./visits";

/**
 * A day or a week of visits, the practice's days in its zone: the database turns each boundary
 * (local midnight) into an instant with `at time zone`, so a day across a DST change is 23 or 25
 * hours long. A clinician gets their own visits; an admin every clinician's, side by side. The
 * policies still decide which visits exist for the caller.
 */
export async function schedule(ctx: RequestCtx & { isAdmin(): Promise<boolean> }, input: ScheduleInput) {
  const [tz, isAdmin] = await Promise.all([practiceZone(ctx.tx), ctx.isAdmin()]);
  const today = isoDay(new Date(), tz);
  const day = input.date ?? today;
  const from = input.view === "week" ? weekStart(day) : day;
  const days = Array.from({ length: input.view === "week" ? 7 : 1 }, (_, i) => addDays(from, i));
  const to = addDays(from, days.length);
  const rows = await ctx.tx.execute<{
    id: string;
    patient_id: string;
    given_name: string;
    family_name: string;
    mrn: string;
    clinician_id: string;
    starts_at: string;
    ends_at: string;
    status: string;
    reason: string;
    visit_type: string;
    double_booked: boolean;
  }>(sql`
    select a.id, a.patient_id, p.given_name, p.family_name, p.mrn, a.clinician_id, a.starts_at, a.ends_at,
           a.status::text as status, a.reason, a.visit_type, a.double_booked
      from appointments a join patients p on p.id = a.patient_id
     where a.starts_at >= (${from}::date::timestamp at time zone ${tz})
       and a.starts_at < (${to}::date::timestamp at time zone ${tz})
       ${isAdmin ? sql`` : sql`and a.clinician_id = ${ctx.userId}`}
     order by a.starts_at, a.id`);
  const clinicians = isAdmin
    ? await ctx.tx
        .select({ id: users.id, name: users.name })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(activeClinicianHere())
        .orderBy(asc(users.name))
    : await ctx.tx.select({ id: users.id, name: users.name }).from(users).where(eq(users.id, ctx.userId));
  await audit(ctx, {
    action: "appointment.schedule",
    detail: { from, to, patientIds: [...new Set(rows.map((r) => r.patient_id))] },
  });
  return {
    view: input.view,
    day,
    today,
    days,
    timeZone: tz,
    now: new Date(),
    clinicians,
    visits: rows.map((r) => ({
      id: r.id,
      patientId: r.patient_id,
      patientName: `${r.family_name}, ${r.given_name}`,
      mrn: r.mrn,
      clinicianId: r.clinician_id,
      day: isoDay(new Date(r.starts_at), tz),
      startsAt: new Date(r.starts_at),
      endsAt: new Date(r.ends_at),
      status: r.status,
      reason: r.reason,
      visitType: r.visit_type,
      doubleBooked: r.double_booked,
    })),
  };
}
