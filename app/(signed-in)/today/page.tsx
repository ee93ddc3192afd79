import { PendingLink as Link } from "@/app/_components/nav-link";
import { PendingInvitations } from "@/app/_components/pending-invitations";
import { orPage } from "@/app/_components/signed-in";
import { SCHEDULE_HOURS, scheduleInput, VISIT_TYPES, type VisitType } from "@/lib/schemas/appointments";
import { formatTime, formatWeekday, wallTimeInZone, zoneAbbreviation } from "@/lib/time";
import { currentMember, getCaller } from "@/server/trpc/server";
import type { RouterOutputs } from "@/server/trpc/types";
import { BookSlot, BookingProvider } from "./booking";
import { ScheduleNav } from "./schedule-nav";

export const dynamic = "force-dynamic";
export const metadata = { title: "Schedule · CareRoster" };

type Schedule = RouterOutputs["appointments"]["schedule"];
type Visit = Schedule["visits"][number];

/**
 * The schedule: a practice day (`?date=YYYY-MM-DD`, today by default) or its week (`?view=week`),
 * in the practice's zone. A clinician sees their own visits and books from a free slot; an admin
 * sees every clinician's day side by side.
 */
export default async function SchedulePage({
  searchParams,
}: {
  searchParams: Promise<{ date?: string; view?: string }>;
}) {
  const params = await searchParams;
  const parsed = scheduleInput.safeParse({ date: params.date || undefined, view: params.view || undefined });
  const input = parsed.success ? parsed.data : { view: "day" as const };
  const here = `/today${params.date || params.view ? `?${new URLSearchParams(params as Record<string, string>)}` : ""}`;
  const caller = await getCaller();
  const me = await orPage(currentMember(), here);
  const [data, invitations] = await orPage(
    Promise.all([caller.appointments.schedule(input), caller.invitations.mine()]),
    here,
  );
  const isAdmin = me.role === "admin";
  const scheduled = data.visits.filter((v) => v.status !== "cancelled");
  const heading = isAdmin ? "Practice schedule" : data.day === data.today && data.view === "day" ? "Today" : "Schedule";
  return (
    <main id="main" tabIndex={-1} className="schedule">
      <div className="page-head">
        <h1>{heading}</h1>
        <span className="muted" data-testid="schedule-summary">
          {data.view === "week"
            ? `Week of ${formatWeekday(data.days[0])}`
            : `${formatWeekday(data.day)}${data.day === data.today ? " (today)" : ""}`}{" "}
          · {scheduled.length} visit{scheduled.length === 1 ? "" : "s"} · times in {zoneLabel(data.timeZone)}
        </span>
      </div>
      {!parsed.success && (
        <p className="alert" role="alert">
          That date could not be read; showing today.
        </p>
      )}
      <PendingInvitations invitations={invitations} />
      <ScheduleNav day={data.day} today={data.today} view={data.view} />
      {me.role ? (
        <BookingProvider
          day={data.day}
          timeZone={data.timeZone}
          clinicians={data.clinicians}
          isAdmin={isAdmin}
          canBook={data.view === "day"}
        >
          {data.view === "week" ? <WeekView data={data} /> : <DayView data={data} isAdmin={isAdmin} />}
        </BookingProvider>
      ) : (
        <p className="empty">Choose a practice to see its schedule.</p>
      )}
    </main>
  );
}

/** "EST (America/New_York)", or just "UTC" when the two say the same. */
function zoneLabel(tz: string): string {
  const abbr = zoneAbbreviation(new Date(), tz);
  return abbr === tz ? tz : `${abbr} (${tz.replaceAll("_", " ")})`;
}

function VisitCard({ v, data, showClinician }: { v: Visit; data: Schedule; showClinician?: string }) {
  const tz = data.timeZone;
  const past = v.endsAt.getTime() < data.now.getTime();
  return (
    <li className={`card visit${v.status === "cancelled" ? " cancelled-visit" : ""}${past ? " past-visit" : ""}`}>
      <p className="when">
        {formatTime(v.startsAt, tz)} – {formatTime(v.endsAt, tz)}
      </p>
      <p>
        <Link href={`/patients/${v.patientId}`}>
          {v.patientName} <span className="visually-hidden">— open chart</span>
        </Link>{" "}
        <span className="muted">MRN {v.mrn}</span>
      </p>
      <p className="muted">
        {VISIT_TYPES[v.visitType as VisitType]?.label ?? "Visit"}: {v.reason}
        {showClinician ? ` · ${showClinician}` : ""}
        {v.doubleBooked ? " · double-booked" : ""}
        {v.status !== "scheduled" ? ` · ${v.status.replace("_", " ")}` : ""}
      </p>
    </li>
  );
}

/** The day's slots (08:00–18:00) in the practice's zone, each either a visit or free to book. */
function slotsOf(day: string, tz: string): Date[] {
  const slots: Date[] = [];
  for (let m = SCHEDULE_HOURS.from * 60; m < SCHEDULE_HOURS.to * 60; m += SCHEDULE_HOURS.slotMinutes) {
    const hh = String(Math.floor(m / 60)).padStart(2, "0");
    const mm = String(m % 60).padStart(2, "0");
    const at = wallTimeInZone(`${day}T${hh}:${mm}`, tz);
    if (at) slots.push(at);
  }
  return slots;
}

function DayView({ data, isAdmin }: { data: Schedule; isAdmin: boolean }) {
  const slots = slotsOf(data.day, data.timeZone);
  const now = data.now.getTime();
  const slotMs = SCHEDULE_HOURS.slotMinutes * 60_000;
  return (
    <div className={isAdmin ? "day-columns" : undefined}>
      {data.clinicians.map((c) => {
        const visits = data.visits.filter((v) => v.clinicianId === c.id);
        const busy = visits.filter((v) => v.status === "scheduled");
        const free = slots.filter(
          (s) =>
            s.getTime() >= now &&
            !busy.some((v) => v.startsAt.getTime() < s.getTime() + slotMs && v.endsAt.getTime() > s.getTime()),
        );
        const rows = [
          ...visits.map((v) => ({ at: v.startsAt.getTime(), visit: v })),
          ...free.map((s) => ({ at: s.getTime(), visit: null })),
        ].sort((a, b) => a.at - b.at || (a.visit ? -1 : 1));
        return (
          <section key={c.id} className="day-column" aria-labelledby={`col-${c.id}`}>
            <h2 id={`col-${c.id}`} className={isAdmin ? undefined : "visually-hidden"}>
              {isAdmin ? c.name : `Your visits on ${formatWeekday(data.day)}`}
            </h2>
            {visits.length === 0 && (
              <p className="empty">
                {isAdmin ? "No visits booked." : `No visits booked with you on ${formatWeekday(data.day)}.`}
              </p>
            )}
            {rows.length > 0 && (
              <ol className="today" aria-label={isAdmin ? `${c.name}: visits and free slots` : "Visits and free slots"}>
                {rows.map((r) =>
                  r.visit ? (
                    <VisitCard key={r.visit.id} v={r.visit} data={data} />
                  ) : (
                    <li key={r.at} className="free-slot">
                      <BookSlot
                        at={new Date(r.at)}
                        label={formatTime(new Date(r.at), data.timeZone)}
                        clinicianId={c.id}
                        clinicianName={c.name}
                      />
                    </li>
                  ),
                )}
              </ol>
            )}
          </section>
        );
      })}
    </div>
  );
}

function WeekView({ data }: { data: Schedule }) {
  const names = new Map(data.clinicians.map((c) => [c.id, c.name]));
  const many = data.clinicians.length > 1;
  return (
    <div className="week">
      {data.days.map((day) => {
        const visits = data.visits.filter((v) => v.day === day);
        return (
          <section key={day} className="week-day" aria-labelledby={`day-${day}`}>
            <h2 id={`day-${day}`}>
              <Link href={`/today?date=${day}`}>
                {formatWeekday(day)}
                {day === data.today ? " (today)" : ""}
              </Link>
            </h2>
            {visits.length === 0 ? (
              <p className="empty">No visits.</p>
            ) : (
              <ol className="today" aria-label={`Visits on ${formatWeekday(day)}`}>
                {visits.map((v) => (
                  <VisitCard key={v.id} v={v} data={data} showClinician={many ? names.get(v.clinicianId) : undefined} />
                ))}
              </ol>
            )}
          </section>
        );
      })}
    </div>
  );
}
