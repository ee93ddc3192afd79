import { TRPCError } from "@trpc/server";
import { redirect } from "next/navigation";
import { TopBar } from "@/app/_components/top-bar";
import { getCaller } from "@/server/trpc/server";

export const dynamic = "force-dynamic";

export default async function PatientsPage() {
  const caller = await getCaller();
  let me, page;
  try {
    me = await caller.me.get();
    page = await caller.patients.list({ limit: 50 });
  } catch (err) {
    if (err instanceof TRPCError && err.code === "UNAUTHORIZED") redirect("/login?callbackUrl=/patients");
    throw err;
  }
  return (
    <>
      <TopBar me={me} />
      <main>
        <h1>My patients</h1>
        {me.status === "suspended" && (
          <p className="alert" role="alert">
            Your membership in this practice is suspended. Contact your practice admin.
          </p>
        )}
        {page.items.length === 0 ? (
          <p className="muted">No patients to show.</p>
        ) : (
          <table aria-label="Patients">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">MRN</th>
                <th scope="col">Birth date</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((p) => (
                <tr key={p.id}>
                  <td>
                    {p.familyName}, {p.givenName}
                  </td>
                  <td>{p.mrn}</td>
                  <td>{p.birthDate}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </main>
    </>
  );
}
