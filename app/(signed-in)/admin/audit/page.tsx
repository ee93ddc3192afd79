import Link from "next/link";
import { auditListInput } from "@/lib/schemas/admin";
import { orPage } from "@/app/_components/signed-in";
import { currentMember, getCaller } from "@/server/trpc/server";
import { AUDIT_ACTION_NAMES, auditActionLabel } from "@/server/audit/actions";
import { formatDateTime } from "@/lib/time";
import { AccessChart } from "./access-chart";
import { PatientPicker } from "./patient-picker";
import { DataTable } from "@/app/_components/data-table";
import { DateField } from "@/app/_components/date-field";
import { Field } from "@/app/_components/field";

const ACTIONS = AUDIT_ACTION_NAMES.map((code) => [code, auditActionLabel(code)] as const).sort((a, b) =>
  a[1].localeCompare(b[1]),
);

export const metadata = { title: "Audit log · Admin · CareRoster" };

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const raw = await searchParams;
  const filters = Object.fromEntries(
    Object.entries(raw).filter(([k, v]) => v && ["actorId", "patientId", "action", "from", "to"].includes(k)),
  ) as Record<string, string>;
  const parsed = auditListInput.safeParse({ ...filters, cursor: raw.cursor ?? null });
  const caller = await getCaller();
  const [me, members, stats, page] = await orPage(
    Promise.all([
      currentMember(),
      caller.admin.members.list(),
      caller.admin.audit.accessStats(),
      parsed.success ? caller.admin.audit.list(parsed.data) : null,
    ]),
    "/admin/audit",
  );
  const tz = me.org?.timeZone ?? "UTC";
  const errors = parsed.success
    ? {}
    : Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message]));
  const pickedRow = filters.patientId ? page?.items.find((e) => e.patientId === filters.patientId) : undefined;
  const picked =
    filters.patientId && !errors.patientId
      ? {
          id: filters.patientId,
          label: pickedRow?.patientName ? `${pickedRow.patientName} (${pickedRow.patientMrn})` : "The chosen patient",
        }
      : null;
  const qs = new URLSearchParams(filters).toString();
  return (
    <>
      <h1>Audit log</h1>
      <section className="card" aria-labelledby="access-chart">
        <h2 id="access-chart">Access events, last 30 days</h2>
        <AccessChart
          perDay={stats.perDay}
          perActor={stats.perActor.map((a) => ({ name: a.name ?? "unknown", events: a.events }))}
        />
      </section>
      <form className="filters" method="get" aria-label="Filter audit events">
        <Field as="select" label="Actor" name="actorId" defaultValue={filters.actorId ?? ""}>
          <option value="">Anyone</option>
          {members.map((m) => (
            <option key={m.userId} value={m.userId}>
              {m.name}
            </option>
          ))}
        </Field>
        <Field as="select" label="Action" name="action" defaultValue={filters.action ?? ""}>
          <option value="">Any</option>
          {ACTIONS.map(([code, label]) => (
            <option key={code} value={code}>
              {label}
            </option>
          ))}
        </Field>
        <PatientPicker initial={picked} />
        <DateField label="From" name="from" defaultValue={filters.from} error={errors.from} />
        <DateField label="To (inclusive)" name="to" defaultValue={filters.to} error={errors.to} />
        <button type="submit" className="secondary">
          Filter
        </button>
        <a className="button" href={`/api/admin/audit-csv?${qs}`} download>
          Export CSV
        </a>
      </form>
      {!page ? (
        <p className="alert" role="alert">
          Check the filters: {parsed.error?.issues.map((i) => i.message).join(" ")}
        </p>
      ) : page.items.length === 0 ? (
        <p className="empty">No audit events match.</p>
      ) : (
        <DataTable label="Audit events" className="stacked" columns={["When", "Who", "What", "Patient", "About"]}>
          {page.items.map((e) => (
            <tr key={e.id}>
              <td data-label="When">{formatDateTime(e.at, tz)}</td>
              <td data-label="Who">
                <span className="name">{e.actorName ?? "A former member"}</span>
              </td>
              <td data-label="What">
                {e.words.action}
                {e.words.details && <span className="detail">{e.words.details}</span>}
              </td>
              <td data-label="Patient">
                {e.patientId ? (
                  <Link href={`/admin/audit?patientId=${e.patientId}`} title="Only this patient's events">
                    <span className="name">{e.patientName ?? "A patient"}</span>
                    {e.patientMrn && (
                      <>
                        {" "}
                        <span className="mrn">({e.patientMrn})</span>
                      </>
                    )}
                  </Link>
                ) : (
                  "—"
                )}
              </td>
              <td data-label="About">{e.words.entity}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {page?.nextCursor && (
        <p>
          <Link href={`/admin/audit?${new URLSearchParams({ ...filters, cursor: page.nextCursor })}`}>
            Older events
          </Link>
        </p>
      )}
    </>
  );
}
