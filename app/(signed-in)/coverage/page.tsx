import { orPage } from "@/app/_components/signed-in";
import { currentMember, getCaller } from "@/server/trpc/server";
import { CoverageClient } from "./coverage-client";

export const dynamic = "force-dynamic";
export const metadata = { title: "Cover · CareRoster" };

/** Coverage: a clinician hands their panel to a colleague for a time; an admin arranges it for anyone. */
export default async function CoveragePage() {
  const caller = await getCaller();
  const me = await orPage(currentMember(), "/coverage");
  const [clinicians, list] = me.role
    ? await Promise.all([
        orPage(caller.coverage.clinicians(), "/coverage"),
        orPage(caller.coverage.list(), "/coverage"),
      ])
    : [[], []];
  return (
    <>
      <main id="main" tabIndex={-1} className="narrow-wide">
        <h1>Cover</h1>
        {!me.role ? (
          <p className="alert" role="alert">
            You have no active membership in this practice.
          </p>
        ) : (
          <CoverageClient
            me={me.user.id}
            timeZone={me.org?.timeZone ?? "UTC"}
            admin={me.role === "admin"}
            clinicians={clinicians}
            list={list}
          />
        )}
      </main>
    </>
  );
}
