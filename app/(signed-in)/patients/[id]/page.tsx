import { orPage } from "@/app/_components/signed-in";
import { patientIdInput } from "@/lib/schemas/patients";
import { currentMember, getCaller } from "@/server/trpc/server";
import { notFound, redirect } from "next/navigation";
import { ageOn, formatDate, formatDateTime, formatSex, formatTime, isoDay } from "@/lib/time";
import { Appointments } from "./appointments";
import { Demographics } from "./demographics";
import { EndAccess } from "./end-access";
import { ChartEssentials } from "./essentials";
import { Notes } from "./notes";

export const dynamic = "force-dynamic";
export const metadata = { title: "Patient chart · CareRoster" };

/** Every panel comes from a procedure; an id the caller may not see is the same 404 as one that does not exist. */
export default async function ChartPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!patientIdInput.safeParse({ id }).success) notFound();
  const caller = await getCaller();
  const here = `/patients/${id}`;
  const me = await orPage(currentMember(), here);
  // A merged chart leads to the chart it was merged into.
  const { to } = await orPage(caller.patients.redirect({ id }), here);
  if (to) redirect(`/patients/${to}`);
  const patient = await orPage(caller.patients.byId({ id }), here);
  const [team, appointments, notes, essentials, clinicians] = await Promise.all([
    orPage(caller.patients.careTeam({ id }), here),
    orPage(caller.appointments.list({ patientId: id }), here),
    orPage(caller.notes.list({ patientId: id }), here),
    orPage(caller.essentials.forChart({ patientId: id }), here),
    me.role ? orPage(caller.appointments.clinicians({ patientId: id }), here) : Promise.resolve([]),
  ]);
  const tz = me.org?.timeZone ?? "UTC";
  const now = new Date();
  const until = (at: Date) => (isoDay(at, tz) === isoDay(now, tz) ? formatTime(at, tz) : formatDateTime(at, tz));
  const age = ageOn(patient.birthDate, now, tz);
  const canWriteNotes = me.role !== null && patient.access.via !== "admin" && !patient.archivedAt;
  const teamNames = team.map((m) => m.name ?? "A colleague");
  return (
    <>
      <main id="main" tabIndex={-1} className="chart">
        {patient.access.via === "break_glass" && (
          <div className="banner-emergency banner-with-action">
            <p role="status">
              Emergency access (break-glass)
              {patient.access.grantExpiresAt ? ` until ${until(patient.access.grantExpiresAt)}` : ""}. This access is
              recorded and reviewed by your practice admin.
            </p>
            {patient.access.grantId && (
              <EndAccess grantId={patient.access.grantId} patientName={`${patient.givenName} ${patient.familyName}`} />
            )}
          </div>
        )}
        {patient.access.via === "coverage" && patient.access.cover && (
          <p className="banner-cover" role="status">
            You see this patient as cover for {patient.access.cover.coveredName ?? "a colleague"} until{" "}
            {until(patient.access.cover.until)}.
          </p>
        )}
        <section className="patient-banner" aria-labelledby="patient-name">
          <div className="page-head">
            <h1 id="patient-name">
              {patient.givenName} {patient.familyName}
            </h1>
            {patient.access.via === "break_glass" && patient.access.grantExpiresAt && (
              <span className="access-badge temporary">
                Temporary access until {until(patient.access.grantExpiresAt)}
              </span>
            )}
            {patient.access.via === "coverage" && patient.access.cover && (
              <span className="access-badge covering">
                Covering {patient.access.cover.coveredName ?? "a colleague"}
              </span>
            )}
            {patient.archivedAt && <span className="access-badge archived">Archived</span>}
          </div>
          <dl className="banner-facts">
            <div>
              <dt>Age and sex</dt>
              <dd>
                {age} {age === 1 ? "year" : "years"} · {formatSex(patient.sex)}
              </dd>
            </div>
            <div>
              <dt>Date of birth</dt>
              <dd>{formatDate(patient.birthDate)}</dd>
            </div>
            <div>
              <dt>MRN</dt>
              <dd>{patient.mrn}</dd>
            </div>
            <div>
              <dt>Care team</dt>
              <dd>{teamNames.length ? teamNames.join(", ") : "No clinician assigned"}</dd>
            </div>
          </dl>
        </section>
        <ChartEssentials
          essentials={essentials}
          clinical={patient.access.via !== "admin"}
          reader={{ patientId: patient.id, userId: me.user.id, timeZone: tz, canWrite: canWriteNotes }}
        />
        <div className="chart-grid">
          <Demographics patient={patient} canEditMrn={me.role === "admin"} timeZone={tz} />
          <section className="card" aria-labelledby="team-heading">
            <h2 id="team-heading">Care team</h2>
            {team.length === 0 ? (
              <p className="empty">No clinician is assigned.</p>
            ) : (
              <ul className="plain">
                {team.map((m) => (
                  <li key={m.clinicianId}>{m.name ?? "A colleague"}</li>
                ))}
              </ul>
            )}
          </section>
          <Appointments
            clinicians={clinicians}
            isAdmin={me.role === "admin"}
            timeZone={tz}
            patientId={patient.id}
            patientName={`${patient.givenName} ${patient.familyName}`}
            upcoming={appointments.upcoming}
            past={appointments.past}
          />
          <Notes
            timeZone={tz}
            patientId={patient.id}
            notes={notes}
            canWrite={canWriteNotes}
            draftKey={`careroster:note-draft:${me.user.id}:${patient.id}`}
            cannotWriteReason={
              patient.archivedAt
                ? "This patient is archived: the chart is read-only."
                : "You are not on this patient's care team, so you cannot read or write clinical notes (admins see demographics only)."
            }
          />
        </div>
      </main>
    </>
  );
}
