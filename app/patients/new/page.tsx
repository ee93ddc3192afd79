import { orPage } from "@/app/_components/signed-in";
import { TopBar } from "@/app/_components/top-bar";
import { getCaller } from "@/server/trpc/server";
import { NewPatientForm } from "./new-patient-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "New patient · CareRoster" };

export default async function NewPatientPage() {
  const caller = await getCaller();
  const me = await orPage(caller.me.get(), "/patients/new");
  return (
    <>
      <TopBar me={me} />
      <main id="main" tabIndex={-1}>
        <h1>New patient</h1>
        <p className="muted">
          {me.role === "clinician"
            ? "You will be on this patient's care team."
            : "Assign a clinician from the admin dashboard afterwards."}
        </p>
        <NewPatientForm />
      </main>
    </>
  );
}
