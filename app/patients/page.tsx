import Link from "next/link";
import { orPage } from "@/app/_components/signed-in";
import { TopBar } from "@/app/_components/top-bar";
import { getCaller } from "@/server/trpc/server";
import { PATIENT_PAGE_SIZE } from "@/lib/schemas/patients";
import { PatientList } from "./patient-list";
import { PendingInvitations } from "./pending-invitations";

export const dynamic = "force-dynamic";
export const metadata = { title: "Patients · CareRoster" };

export default async function PatientsPage() {
  const caller = await getCaller();
  const me = await orPage(caller.me.get(), "/patients");
  const [first, invitations] = await orPage(Promise.all([caller.patients.list({ limit: PATIENT_PAGE_SIZE }), caller.invitations.mine()]), "/patients");
  return (
    <>
      <TopBar me={me} />
      <main>
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
        <PatientList key={me.org?.id ?? "none"} initial={first} />
      </main>
    </>
  );
}
