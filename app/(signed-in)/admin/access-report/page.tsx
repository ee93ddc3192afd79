import { DateField } from "@/app/_components/date-field";
import { orPage } from "@/app/_components/signed-in";
import { Field } from "@/app/_components/field";
import { accessReportInput } from "@/lib/schemas/access";
import { BASIS_LABEL, emergencyEndWords } from "@/server/access/report";
import { formatDateTime, isoDay, zoneAbbreviation } from "@/lib/time";
import { currentMember, getCaller } from "@/server/trpc/server";
import { DataTable } from "@/app/_components/data-table";

export const metadata = { title: "Patient access report · Admin · CareRoster" };

/** The last 30 days, as calendar days in the practice's time zone. */
function lastThirtyDays(tz: string) {
  const now = new Date();
  return { from: isoDay(new Date(now.getTime() - 30 * 24 * 3600_000), tz), to: isoDay(now, tz) };
}

/** Accounting of access for one patient: every recorded access in a date range, with its basis. */
export default async function AccessReportPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const sp = await searchParams;
  const caller = await getCaller();
  const [me, patients] = await orPage(
    Promise.all([currentMember(), caller.patients.list({ limit: 100, includeArchived: true })]),
    "/admin/access-report",
  );
  const tz = me.org?.timeZone ?? "UTC";
  const fmt = { format: (d: Date) => formatDateTime(d, tz) };
  const range = lastThirtyDays(tz);
  const zone = zoneAbbreviation(new Date(), tz);
  const from = sp.from ?? range.from;
  const to = sp.to ?? range.to;
  const parsed = accessReportInput.safeParse({ patientId: sp.patientId, from, to });
  const report = parsed.success ? await orPage(caller.admin.access.report(parsed.data), "/admin/access-report") : null;
  const query = parsed.success ? new URLSearchParams(parsed.data).toString() : "";
  return (
    <>
      <h1>Patient access report</h1>
      <p className="muted">
        Who looked at a patient&apos;s record, when, and on what basis — recorded by the database at the time of each
        access.
      </p>
      <form className="filters" method="get" aria-label="Report filters">
        <Field as="select" label="Patient" name="patientId" defaultValue={sp.patientId ?? ""} required>
          <option value="">Choose…</option>
          {patients.items.map((p) => (
            <option key={p.id} value={p.id}>
              {p.familyName}, {p.givenName} · {p.mrn}
            </option>
          ))}
        </Field>
        <DateField label={`From (day, ${zone})`} name="from" defaultValue={from} />
        <DateField label={`To (day, ${zone}, inclusive)`} name="to" defaultValue={to} />
        <button type="submit">Show report</button>
      </form>
      {sp.patientId && !parsed.success && (
        <p className="alert">{parsed.error.issues[0]?.message ?? "Check the filters."}</p>
      )}
      {report && (
        <section aria-labelledby="report-heading">
          <h2 id="report-heading">
            {report.patient.name} · MRN {report.patient.mrn}
          </h2>
          <p className="actions">
            <a className="button secondary-link" href={`/api/admin/access-report?${query}&format=csv`} download>
              Download CSV
            </a>
            <a className="button secondary-link" href={`/api/admin/access-report?${query}&format=pdf`} download>
              Download PDF
            </a>
          </p>
          <p className="muted">
            {report.accesses} access{report.accesses === 1 ? "" : "es"} from {report.from} to {report.to}
            {report.rows.length < report.accesses && `; each run of list-page views is one line`}. Times in the
            practice&apos;s time zone ({zone}). Emergency accesses are highlighted.
          </p>
          {report.rows.length === 0 ? (
            <p className="empty">No recorded access in this period.</p>
          ) : (
            <DataTable label="Accesses" className="stacked" columns={["When", "Who", "Role", "What", "Basis"]}>
              {report.rows.map((r) => (
                <tr key={r.id} className={r.basis === "break_glass" ? "emergency" : undefined}>
                  <td data-label="When">{fmt.format(r.at)}</td>
                  <td data-label="Who">
                    <span className="name">{r.actorName ?? "A former member"}</span>
                  </td>
                  <td data-label="Role">{r.role ?? "—"}</td>
                  <td data-label="What">{r.what}</td>
                  <td data-label="Basis">
                    {r.basis ? BASIS_LABEL[r.basis] : "—"}
                    {r.emergency && (
                      <div className="flag">
                        Reason: {r.emergency.reason}
                        <br />
                        {r.emergency.ended && (
                          <>
                            {emergencyEndWords(r.emergency.ended, tz)}
                            <br />
                          </>
                        )}
                        {r.emergency.reviewedAt
                          ? `Reviewed ${fmt.format(r.emergency.reviewedAt)} by ${r.emergency.reviewerName ?? "an admin"}${r.emergency.comment ? `: ${r.emergency.comment}` : ""}`
                          : "Not reviewed yet"}
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </section>
      )}
    </>
  );
}
