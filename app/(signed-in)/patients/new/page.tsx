import { orPage } from "@/app/_components/signed-in";
import { currentMember, getCaller } from "@/server/trpc/server";
import { NewPatientForm } from "./new-patient-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "New patient · CareRoster" };

export default async function NewPatientPage() {
  const me = await orPage(currentMember(), "/patients/new");
  const mrn = await orPage((await getCaller()).patients.mrnSettings(), "/patients/new");
  return (
    <>
      <main id="main" tabIndex={-1}>
        <h1>New patient</h1>
        <p className="muted">
          {me.role === "clinician"
            ? "You will be on this patient's care team."
            : "Assign a clinician from the admin dashboard afterwards."}
        </p>
        <NewPatientForm nextMrn={mrn.example} />
      </main>
    </>
  );
}
