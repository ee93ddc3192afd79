import { orPage } from "@/app/_components/signed-in";
import { TopBar } from "@/app/_components/top-bar";
import { patientIdInput } from "@/lib/schemas/patients";
import { getCaller } from "@/server/trpc/server";
import { notFound } from "next/navigation";
import { Appointments } from "./appointments";
import { Demographics } from "./demographics";
import { Notes } from "./notes";

export const dynamic = "force-dynamic";
export const metadata = { title: "Patient chart · CareRoster" };

const timeFmt = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });

/** Every panel comes from a procedure; an id the caller may not see is the same 404 as one that does not exist. */
export default async function ChartPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!patientIdInput.safeParse({ id }).success) notFound();
  const caller = await getCaller();
  const here = `/patients/${id}`;
  const me = await orPage(caller.me.get(), here);
  const patient = await orPage(caller.patients.byId({ id }), here);
  const [team, appointments, notes] = await Promise.all([
    orPage(caller.patients.careTeam({ id }), here),
    orPage(caller.appointments.list({ patientId: id }), here),
    orPage(caller.notes.list({ patientId: id }), here),
  ]);
  return (
    <>
      <TopBar me={me} />
      <main id="main" tabIndex={-1} className="chart">
        {patient.access.via === "break_glass" && (
          <p className="banner-emergency" role="status">
            Emergency access (break-glass)
            {patient.access.grantExpiresAt ? ` until ${timeFmt.format(patient.access.grantExpiresAt)}` : ""}. This access is
            recorded and reviewed by your practice admin.
          </p>
        )}
        {patient.access.via === "coverage" && patient.access.cover && (
          <p className="banner-cover" role="status">
            You see this patient as cover for {patient.access.cover.coveredName ?? "a colleague"} until {timeFmt.format(patient.access.cover.until)}.
          </p>
        )}
        <div className="page-head">
          <h1>
            {patient.givenName} {patient.familyName}
          </h1>
          <span className="muted">
            MRN {patient.mrn} · born {patient.birthDate}
            {patient.archivedAt ? " · archived" : ""}
          </span>
        </div>
        <div className="chart-grid">
          <Demographics patient={patient} />
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
          <Appointments patientId={patient.id} patientName={`${patient.givenName} ${patient.familyName}`} upcoming={appointments.upcoming} past={appointments.past} />
          <Notes patientId={patient.id} notes={notes} canWrite={me.role !== null} />
        </div>
      </main>
    </>
  );
}
