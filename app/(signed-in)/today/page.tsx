import { PendingLink as Link } from "@/app/_components/nav-link";
import { PendingInvitations } from "@/app/_components/pending-invitations";
import { orPage } from "@/app/_components/signed-in";
import { VISIT_TYPES, type VisitType } from "@/lib/schemas/appointments";
import { formatDay, formatTime } from "@/lib/time";
import { getCaller } from "@/server/trpc/server";

export const dynamic = "force-dynamic";
export const metadata = { title: "Today · CareRoster" };

/** The signed-in clinician's visits of the day (the practice's day and clock), each with its chart. */
export default async function TodayPage() {
  const caller = await getCaller();
  const [today, invitations] = await orPage(
    Promise.all([caller.appointments.today(), caller.invitations.mine()]),
    "/today",
  );
  const tz = today.timeZone;
  const now = today.now.getTime();
  const scheduled = today.visits.filter((v) => v.status !== "cancelled");
  return (
    <>
      <main id="main" tabIndex={-1}>
        <div className="page-head">
          <h1>Today</h1>
          <span className="muted">
            {formatDay(today.now, tz)} · {scheduled.length} visit{scheduled.length === 1 ? "" : "s"}
          </span>
        </div>
        <PendingInvitations invitations={invitations} />
        {today.visits.length === 0 ? (
          <p className="empty">No visits booked with you today.</p>
        ) : (
          <ol className="today" aria-label="Your visits today">
            {today.visits.map((v) => (
              <li
                key={v.id}
                className={`card${v.status === "cancelled" ? " cancelled-visit" : ""}${v.endsAt.getTime() < now ? " past-visit" : ""}`}
              >
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
                  {v.status !== "scheduled" ? ` · ${v.status.replace("_", " ")}` : ""}
                </p>
              </li>
            ))}
          </ol>
        )}
        <p>
          <Link href="/patients">All my patients</Link>
        </p>
      </main>
    </>
  );
}
