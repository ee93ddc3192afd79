import { orPage } from "@/app/_components/signed-in";
import { getCaller } from "@/server/trpc/server";

export const metadata = { title: "Security posture · Admin · CareRoster" };

export default async function SecurityPage() {
  const posture = await orPage((await getCaller()).admin.security.posture(), "/admin/security");
  const r = posture.runtimeRole;
  return (
    <>
      <h1>Security posture</h1>
      <p className={posture.ok ? "notice" : "alert"} role="status">
        {posture.ok ? "Every table has row-level security enabled and forced; the app's database role cannot bypass it." : "Something is out of line: see the flagged rows below."}
      </p>
      <section className="card" aria-labelledby="role">
        <h2 id="role">Runtime role</h2>
        <p>
          <code>{r.name}</code>: superuser {r.superuser ? "yes" : "no"}, BYPASSRLS {r.bypassRls ? "yes" : "no"}, owns {r.ownsTables} table(s){" "}
          <span className={`badge ${r.problems.length ? "bad" : "ok"}`}>{r.problems.length ? r.problems.join("; ") : "ok"}</span>
        </p>
      </section>
      {posture.tables.map((t) => (
        <section key={t.table} className="card" aria-labelledby={`t-${t.table}`}>
          <h2 id={`t-${t.table}`}>
            {t.table}{" "}
            <span className={`badge ${t.problems.length ? "bad" : "ok"}`}>
              {t.rlsEnabled ? "enabled" : "not enabled"}, {t.rlsForced ? "forced" : "not forced"}
            </span>
          </h2>
          {t.problems.length > 0 && (
            <ul className="alert">
              {t.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          <table aria-label={`Policies on ${t.table}`}>
            <thead>
              <tr>
                <th scope="col">Policy</th>
                <th scope="col">Command</th>
                <th scope="col">Kind</th>
                <th scope="col">Roles</th>
                <th scope="col">USING</th>
                <th scope="col">WITH CHECK</th>
              </tr>
            </thead>
            <tbody>
              {t.policies.map((p) => (
                <tr key={p.name}>
                  <td>{p.name}</td>
                  <td>{p.command}</td>
                  <td>{p.permissive}</td>
                  <td>{p.roles.join(", ")}</td>
                  <td>
                    <pre className="sql">{p.using ?? "—"}</pre>
                  </td>
                  <td>
                    <pre className="sql">{p.withCheck ?? "—"}</pre>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </>
  );
}
