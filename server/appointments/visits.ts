import { AppError } from "@/server/errors";
import { and, asc, eq, sql } from "drizzle-orm";
import { formatTime, serverTimeZone } from "@/lib/time";
import type { VisitType } from "@/lib/schemas/appointments";
import { findPgError } from "@/server/db/errors";
import type { Tx } from "@/server/db/client";
import { appointments, careTeam, memberships, users } from "@/server/db/schema";
import { activeClinicianHere } from "@/server/members/memberships";

export interface BookableClinician {
  id: string;
  name: string;
  onCareTeam: boolean;
  me: boolean;
}

/**
 * The active clinicians of the current practice a visit can be booked with, in the order the form
 * offers them: the signed-in clinician first (when on the care team), then the patient's care
 * team, then everyone else by name. Care-team rows come through the policies (the caller sees the
 * team of a patient they can see).
 */
export async function bookableClinicians(tx: Tx, patientId: string, userId: string): Promise<BookableClinician[]> {
  const rows = await tx
    .select({
      id: users.id,
      name: users.name,
      onCareTeam: sql<boolean>`exists (select 1 from ${careTeam} ct where ct.patient_id = ${patientId} and ct.clinician_id = ${users.id})`,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(activeClinicianHere())
    .orderBy(asc(users.name));
  const rank = (c: { id: string; onCareTeam: boolean }) =>
    c.onCareTeam ? (c.id === userId ? 0 : 1) : c.id === userId ? 2 : 3;
  return rows
    .map((r) => ({ ...r, me: r.id === userId }))
    .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

export async function practiceZone(tx: Tx): Promise<string> {
  const [row] = await tx.execute<{ tz: string | null }>(
    sql`select o.time_zone as tz from organizations o where o.id = (select app_org_id())`,
  );
  return row?.tz ?? serverTimeZone();
}

export interface VisitRequest {
  orgId: string;
  patientId: string;
  clinicianId: string;
  startsAt: Date;
  durationMinutes: number;
  reason: string;
  visitType: VisitType;
  doubleBook: boolean;
}

/**
 * Books a visit. The database refuses a clinician's overlapping scheduled visits (exclusion
 * constraint appointments_no_overlap, seen past the policies) unless an admin double-books on
 * purpose (a restrictive policy keeps `double_booked` to admins). The insert runs in a savepoint
 * so the refusal becomes one clear sentence naming the clinician and the time.
 */
export async function bookVisit(tx: Tx, req: VisitRequest, isAdmin: boolean) {
  if (req.doubleBook && !isAdmin) throw new AppError("FORBIDDEN", "Only a practice admin can double-book a clinician.");
  const [clinician] = await tx
    .select({ name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.userId, req.clinicianId), activeClinicianHere()));
  if (!clinician) throw new AppError("BAD_REQUEST", "Choose an active clinician of this practice.");
  const endsAt = new Date(req.startsAt.getTime() + req.durationMinutes * 60_000);
  try {
    return await tx.transaction(async (sp) => {
      const [row] = await sp
        .insert(appointments)
        .values({
          orgId: req.orgId,
          patientId: req.patientId,
          clinicianId: req.clinicianId,
          startsAt: req.startsAt,
          endsAt,
          reason: req.reason,
          visitType: req.visitType,
          doubleBooked: req.doubleBook,
        })
        .returning();
      return row;
    });
  } catch (err) {
    if (findPgError(err)?.code !== "23P01") throw err;
    const tz = await practiceZone(tx);
    throw new AppError(
      "CONFLICT",
      `${clinician.name} already has a visit that overlaps ${formatTime(req.startsAt, tz)}–${formatTime(endsAt, tz)}. Choose another time or another clinician${isAdmin ? ", or double-book on purpose" : ""}.`,
    );
  }
}
