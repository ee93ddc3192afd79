import { orPage } from "@/app/_components/signed-in";
import { getCaller } from "@/server/trpc/server";
import { DatabaseDetails, FunctionDetails, RuntimeRoleDetails, TableDetails } from "./details";

export const metadata = { title: "Security posture · Admin · CareRoster" };

const Mark = ({ ok }: { ok: boolean }) => (
  <>
    <span aria-hidden="true" className={`mark ${ok ? "ok" : "bad"}`}>
      {ok ? "✓" : "✗"}
    </span>
    <span className="visually-hidden">{ok ? "Passes: " : "Fails: "}</span>
  </>
);

/** The checklist first (one sentence per check), the catalog details folded below it. */
export default async function SecurityPage() {
  const posture = await orPage((await getCaller()).admin.security.posture(), "/admin/security");
  const failing = posture.checks.filter((c) => c.problems.length > 0).length;
  return (
    <>
      <h1>Security posture</h1>
      <p className={posture.ok ? "notice" : "alert"} role="status">
        {posture.ok
          ? "Every check passes: the database itself keeps each practice's patients to the people allowed to see them."
          : `${failing} of ${posture.checks.length} checks fail; the checklist below says which. Read live from the database just now.`}
      </p>
      <section className="card" aria-labelledby="checklist">
        <h2 id="checklist">Checklist</h2>
        <ul className="checklist">
          {posture.checks.map((c) => (
            <li key={c.id}>
              <Mark ok={c.problems.length === 0} />
              <div>
                <p>{c.label}</p>
                {c.problems.length > 0 && (
                  <details>
                    <summary>
                      {c.problems.length} problem{c.problems.length === 1 ? "" : "s"}
                    </summary>
                    <ul className="problems">
                      {c.problems.map((p) => (
                        <li key={p}>{p}</li>
                      ))}
                    </ul>
                  </details>
                )}
              </div>
            </li>
          ))}
        </ul>
      </section>
      <section className="card spaced" aria-labelledby="practice">
        <h2 id="practice">This practice</h2>
        <ul className="checklist">
          <li>
            <Mark ok={posture.practice.unreviewableGrants === 0} />
            <p>
              {posture.practice.unreviewableGrants === 0
                ? "Every emergency access can be reviewed by an admin other than the person who used it."
                : `${posture.practice.unreviewableGrants} emergency access${posture.practice.unreviewableGrants === 1 ? " was" : "es were"} used by the practice's only admin and cannot be reviewed by anyone else: add a second admin to review ${posture.practice.unreviewableGrants === 1 ? "it" : "them"}.`}
            </p>
          </li>
        </ul>
      </section>
      <h2>Details from the database catalog</h2>
      <RuntimeRoleDetails role={posture.runtimeRole} />
      <DatabaseDetails database={posture.database} runtimeRole={posture.runtimeRole.name} />
      <FunctionDetails functions={posture.functions} />
      <TableDetails tables={posture.tables} />
    </>
  );
}
