import { orPage } from "@/app/_components/signed-in";
import { currentMember } from "@/server/trpc/server";
import { Directory } from "./directory";

export const dynamic = "force-dynamic";
export const metadata = { title: "Practice directory · CareRoster" };

export default async function DirectoryPage() {
  const me = await orPage(currentMember(), "/directory");
  return (
    <>
      <main id="main" tabIndex={-1}>
        <h1>Practice directory</h1>
        <p className="muted">
          Find a patient who is not on your care team. You see name, date of birth and MRN only. In an emergency you can
          request time-limited access; every request is recorded and reviewed by your practice admin.
        </p>
        <Directory timeZone={me.org?.timeZone ?? "UTC"} />
      </main>
    </>
  );
}
