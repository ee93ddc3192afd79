import type { ReactNode } from "react";
import { DataTable } from "@/app/_components/data-table";
import type { Posture } from "@/server/security/posture";

const Badge = ({ problems }: { problems: string[] }) => (
  <span className={`badge ${problems.length ? "bad" : "ok"}`}>
    {problems.length ? `${problems.length} problem${problems.length === 1 ? "" : "s"}` : "ok"}
  </span>
);

const yesNo = (v: boolean) => (v ? "yes" : "no");

const Problems = ({ problems }: { problems: string[] }) =>
  problems.length > 0 && (
    <ul className="alert">
      {problems.map((p) => (
        <li key={p}>{p}</li>
      ))}
    </ul>
  );

/** One folded section of raw catalog facts; its summary says at a glance whether anything is wrong. */
function Fold({ title, problems, children }: { title: string; problems: string[]; children: ReactNode }) {
  return (
    <details className="card fold">
      <summary>
        {title} <Badge problems={problems} />
      </summary>
      {children}
    </details>
  );
}

export function RuntimeRoleDetails({ role }: { role: Posture["runtimeRole"] }) {
  return (
    <Fold title={`The app's database login: ${role.name}`} problems={role.problems}>
      <Problems problems={role.problems} />
      <dl className="details">
        <dt>Superuser</dt>
        <dd>{yesNo(role.superuser)}</dd>
        <dt>BYPASSRLS</dt>
        <dd>{yesNo(role.bypassRls)}</dd>
        <dt>Owns</dt>
        <dd>
          {role.ownsTables} table(s), {role.ownsFunctions} function(s)
        </dd>
        <dt>Can act as</dt>
        <dd>{role.actsAs.join(", ") || "—"}</dd>
      </dl>
    </Fold>
  );
}

export function DatabaseDetails({ database: d, runtimeRole }: { database: Posture["database"]; runtimeRole: string }) {
  return (
    <Fold title={`Database ${d.name} and its schemas`} problems={d.problems}>
      <Problems problems={d.problems} />
      <dl className="details">
        <dt>Temporary objects</dt>
        <dd>
          PUBLIC {yesNo(d.publicTemp)}, {runtimeRole} {yesNo(d.runtimeTemp)}
        </dd>
        <dt>New schemas</dt>
        <dd>
          PUBLIC {yesNo(d.publicCreate)}, {runtimeRole} {yesNo(d.runtimeCreate)}
        </dd>
      </dl>
      <DataTable
        label="Schemas"
        focusable
        columns={["Schema", "Owner", "PUBLIC may create", `${runtimeRole} may create`]}
      >
        {d.schemas.map((s) => (
          <tr key={s.name}>
            <td>{s.name}</td>
            <td>{s.owner}</td>
            <td>{yesNo(s.publicCreate)}</td>
            <td>{yesNo(s.runtimeCreate)}</td>
          </tr>
        ))}
      </DataTable>
      {d.otherObjects.length > 0 && (
        <p>Other objects in public: {d.otherObjects.map((o) => `${o.kind} ${o.name} (owner ${o.owner})`).join(", ")}</p>
      )}
    </Fold>
  );
}

/** A list rather than a table: five facts and the problems per function reflow at any width. */
export function FunctionDetails({ functions }: { functions: Posture["functions"] }) {
  return (
    <Fold title={`Functions (${functions.length})`} problems={functions.flatMap((f) => f.problems)}>
      <ul className="functions" aria-label="Functions">
        {functions.map((f) => (
          <li key={f.name}>
            <code>{f.name}</code> <Badge problems={f.problems} />
            <p className="muted">
              Runs as {f.securityDefiner ? "its owner (SECURITY DEFINER)" : "the caller"} · search_path{" "}
              <code>{f.searchPath ?? "not pinned"}</code> · owner {f.owner} · executable by {f.executableBy.join(", ")}
            </p>
            <Problems problems={f.problems} />
          </li>
        ))}
      </ul>
    </Fold>
  );
}

export function TableDetails({ tables }: { tables: Posture["tables"] }) {
  return (
    <Fold
      title={`Tables and their policies (${tables.length})`}
      problems={tables.flatMap((t) => t.problems.map((p) => `${t.table}: ${p}`))}
    >
      {tables.map((t) => (
        <section key={t.table} aria-labelledby={`t-${t.table}`}>
          <h3 id={`t-${t.table}`}>
            {t.table}{" "}
            <span className={`badge ${t.problems.length ? "bad" : "ok"}`}>
              {t.rlsEnabled ? "enabled" : "not enabled"}, {t.rlsForced ? "forced" : "not forced"}
            </span>
          </h3>
          <Problems problems={t.problems} />
          <p className="muted">
            Owner {t.owner}
            {t.runtimeGrants.length > 0 && `; the app's login has ${t.runtimeGrants.join(", ")}`}
          </p>
          <DataTable
            label={`Policies on ${t.table}`}
            focusable
            columns={["Policy", "Command", "Kind", "Roles", "USING", "WITH CHECK"]}
          >
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
          </DataTable>
        </section>
      ))}
    </Fold>
  );
}
