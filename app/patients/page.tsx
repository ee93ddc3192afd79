import { TRPCError } from "@trpc/server";
import Link from "next/link";
import { redirect } from "next/navigation";
import { SignOutButton } from "./sign-out-button";
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
      <header className="topbar">
        <Link className="brand" href="/patients">CareRoster</Link>
        <span className="muted">{me.org?.name}</span>
        <span className="spacer" />
        <span>{me.user.name}</span>
        <SignOutButton />
      </header>
      <main>
        <h1>My patients</h1>
        {me.status === "suspended" && (
          <p className="alert" role="alert">Your membership in this practice is suspended. Contact your practice admin.</p>
        )}
        {page.items.length === 0 ? (
          <p className="muted">No patients to show.</p>
        ) : (
          <table aria-label="Patients">
            <thead>
              <tr><th scope="col">Name</th><th scope="col">MRN</th><th scope="col">Birth date</th></tr>
            </thead>
            <tbody>
              {page.items.map((p) => (
                <tr key={p.id}>
                  <td>{p.familyName}, {p.givenName}</td>
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
