import { PendingLink as Link } from "@/app/_components/nav-link";
import { PendingInvitations } from "@/app/_components/pending-invitations";
import { orPage } from "@/app/_components/signed-in";
import { currentMember, getCaller } from "@/server/trpc/server";
import { PATIENT_PAGE_SIZE } from "@/lib/schemas/patients";
import { formatDateTime } from "@/lib/time";
import { PatientList, type ListState } from "./patient-list";

export const dynamic = "force-dynamic";
export const metadata = { title: "Patients · CareRoster" };

/** The list's search, sort and length come from the URL (`?q=&sort=&shown=`), so reload and Back keep them. */
export default async function PatientsPage({
  searchParams,
}: {
  searchParams: Promise<{ q?: string; sort?: string; shown?: string }>;
}) {
  const params = await searchParams;
  const state: ListState = {
    search: (params.q ?? "").trim().slice(0, 100),
    sort: params.sort === "lastVisit" ? "lastVisit" : "name",
    shown: Math.min(Math.max(Number(params.shown) || PATIENT_PAGE_SIZE, PATIENT_PAGE_SIZE), 100),
  };
  const caller = await getCaller();
  const me = await orPage(currentMember(), "/patients");
  const [first, invitations] = await orPage(
    Promise.all([
      caller.patients.list({ limit: state.shown, search: state.search || undefined, sort: state.sort }),
      caller.invitations.mine(),
    ]),
    "/patients",
  );
  const drafts = me.role ? await orPage(caller.notes.myDrafts(), "/patients") : [];
  return (
    <>
      <main id="main" tabIndex={-1}>
        <div className="page-head">
          <h1>{me.role === "admin" ? "Practice patients" : "My patients"}</h1>
          {me.role && (
            <Link className="button" href="/patients/new">
              New patient
            </Link>
          )}
        </div>
        <PendingInvitations invitations={invitations} />
        {me.status === "suspended" && (
          <p className="alert" role="alert">
            Your membership in this practice is suspended. Contact your practice admin.
          </p>
        )}
        {drafts.length > 0 && (
          <section className="card drafts" aria-labelledby="drafts-heading">
            <h2 id="drafts-heading">Your unsigned drafts</h2>
            <ul className="plain">
              {drafts.map((d) => (
                <li key={d.id}>
                  <Link href={`/patients/${d.patientId}`}>
                    {d.givenName} {d.familyName}
                  </Link>
                  <span>
                    {d.overdue && <span className="overdue">Unsigned for more than 24 h · </span>}
                    <span className="muted">started {formatDateTime(d.createdAt, me.org?.timeZone ?? "UTC")}</span>
                  </span>
                </li>
              ))}
            </ul>
          </section>
        )}
        <PatientList key={me.org?.id ?? "none"} initial={first} state={state} timeZone={me.org?.timeZone ?? "UTC"} />
      </main>
    </>
  );
}
