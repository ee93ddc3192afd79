import { isoDay } from "@/lib/time";
import { audit } from "@/server/audit/record";
import type { RequestCtx } from "@/server/request";
import { practiceZone, visitsOfDay } from "./visits";

/** The signed-in clinician's visits today (the practice's day), for the Today page. */
export async function todaysVisits(ctx: RequestCtx) {
  const tz = await practiceZone(ctx.tx);
  const now = new Date();
  const day = isoDay(now, tz);
  const rows = await visitsOfDay(ctx.tx, ctx.userId, day);
  await audit(ctx, { action: "appointment.today", detail: { day, patientIds: rows.map((r) => r.patient_id) } });
  return {
    day,
    now,
    timeZone: tz,
    visits: rows.map((r) => ({
      id: r.id,
      patientId: r.patient_id,
      patientName: `${r.given_name} ${r.family_name}`,
      mrn: r.mrn,
      startsAt: new Date(r.starts_at),
      endsAt: new Date(r.ends_at),
      status: r.status,
      reason: r.reason,
      visitType: r.visit_type,
    })),
  };
}
