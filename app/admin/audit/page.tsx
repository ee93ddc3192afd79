import Link from "next/link";
import { auditListInput } from "@/lib/schemas/admin";
import { orPage } from "@/app/_components/signed-in";
import { AUDIT_ACTION_NAMES } from "@/server/audit/actions";
import { getCaller } from "@/server/trpc/server";
import { AccessChart } from "./access-chart";

export const metadata = { title: "Audit log · Admin · CareRoster" };

const fmt = new Intl.DateTimeFormat("en-GB", { dateStyle: "short", timeStyle: "medium", timeZone: "UTC" });

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const raw = await searchParams;
  const filters = Object.fromEntries(Object.entries(raw).filter(([k, v]) => v && ["actorId", "patientId", "action", "from", "to"].includes(k))) as Record<string, string>;
  const parsed = auditListInput.safeParse({ ...filters, cursor: raw.cursor ?? null });
  const caller = await getCaller();
  const [members, stats, page] = await orPage(
    Promise.all([caller.admin.members.list(), caller.admin.audit.accessStats(), parsed.success ? caller.admin.audit.list(parsed.data) : null]),
    "/admin/audit",
  );
  const qs = new URLSearchParams(filters).toString();
  return (
    <>
      <h1>Audit log</h1>
      <section className="card" aria-labelledby="access-chart">
        <h2 id="access-chart">Access events, last 30 days</h2>
        <AccessChart perDay={stats.perDay} perActor={stats.perActor.map((a) => ({ name: a.name ?? "unknown", events: a.events }))} />
      </section>
      <form className="filters" method="get" aria-label="Filter audit events">
        <div className="field">
          <label htmlFor="f-actor">Actor</label>
          <select id="f-actor" name="actorId" defaultValue={filters.actorId ?? ""}>
            <option value="">Anyone</option>
            {members.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-action">Action</label>
          <select id="f-action" name="action" defaultValue={filters.action ?? ""}>
            <option value="">Any</option>
            {AUDIT_ACTION_NAMES.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-patient">Patient id</label>
          <input id="f-patient" name="patientId" defaultValue={filters.patientId ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="f-from">From (UTC)</label>
          <input id="f-from" name="from" type="date" defaultValue={filters.from ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="f-to">To (UTC)</label>
          <input id="f-to" name="to" type="date" defaultValue={filters.to ?? ""} />
        </div>
        <button type="submit" className="secondary">
          Filter
        </button>
        <a className="button" href={`/api/admin/audit-csv?${qs}`} download>
          Export CSV
        </a>
      </form>
      {!page ? (
        <p className="alert" role="alert">
          Those filters are not valid: {parsed.error?.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join("; ")}
        </p>
      ) : page.items.length === 0 ? (
        <p className="empty">No audit events match.</p>
      ) : (
        <table aria-label="Audit events">
          <thead>
            <tr>
              <th scope="col">When (UTC)</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Patient</th>
              <th scope="col">Entity</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((e) => (
              <tr key={e.id}>
                <td>{fmt.format(e.at)}</td>
                <td>{e.actorName}</td>
                <td>{e.action}</td>
                <td>{e.patientId ? <Link href={`/admin/audit?patientId=${e.patientId}`}>{e.patientId.slice(0, 8)}</Link> : "—"}</td>
                <td>
                  {e.entity}
                  {e.entityId ? ` ${e.entityId.slice(0, 8)}` : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page?.nextCursor && (
        <p>
          <Link href={`/admin/audit?${new URLSearchParams({ ...filters, cursor: page.nextCursor })}`}>Older events</Link>
        </p>
      )}
    </>
  );
}
