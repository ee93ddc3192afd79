import Link from "next/link";
import { orPage } from "@/app/_components/signed-in";
import { getCaller } from "@/server/trpc/server";
import { ArchiveButton } from "./archive-button";
import { recordLabel } from "./record-label";
import { DataTable } from "@/app/_components/data-table";

export const metadata = { title: "Patients · Admin · CareRoster" };

export default async function AdminPatientsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { q } = await searchParams;
  const page = await orPage(
    (await getCaller()).patients.list({ includeArchived: true, limit: 100, search: q || undefined }),
    "/admin/patients",
  );
  return (
    <>
      <h1>All patients</h1>
      <p className="actions">
        <Link href="/admin/patients/import">Import patients</Link>
        <Link href="/admin/patients/export">Export the practice&apos;s data</Link>
      </p>
      <form className="filters" method="get" aria-label="Search patients">
        <div className="field">
          <label htmlFor="ap-search">Search by name or MRN</label>
          <input id="ap-search" name="q" defaultValue={q ?? ""} />
        </div>
        <button type="submit" className="secondary">
          Search
        </button>
      </form>
      <p className="muted">
        Showing {page.items.length} of {page.total} (archived included)
        {page.nextCursor ? "; refine the search to see the rest" : ""}.
      </p>
      <DataTable label="All patients" columns={["Name", "MRN", "Status", "Action"]}>
        {page.items.map((p) => (
          <tr key={p.id}>
            <td>
              {p.familyName}, {p.givenName}
            </td>
            <td className="mrn">{p.mrn}</td>
            <td>
              {p.mergedInto ? (
                <span className="badge">merged</span>
              ) : p.archivedAt ? (
                <span className="badge bad">archived</span>
              ) : (
                <span className="badge ok">active</span>
              )}
            </td>
            <td>
              <span className="actions">
                {p.mergedInto ? (
                  <Link href={`/patients/${p.mergedInto}`}>
                    Open the kept chart<span className="visually-hidden"> of {recordLabel(p)}</span>
                  </Link>
                ) : (
                  <ArchiveButton patient={p} archived={Boolean(p.archivedAt)} />
                )}
                {!p.archivedAt && (
                  <Link href={`/admin/patients/merge?mergeId=${p.id}`}>
                    Merge<span className="visually-hidden"> {recordLabel(p)} into another chart</span>
                  </Link>
                )}
                <Link href={`/admin/access?patientId=${p.id}`}>
                  Who can see
                  <span className="visually-hidden">
                    {" "}
                    {p.givenName} {p.familyName}
                  </span>
                </Link>
                <Link href={`/admin/access-report?patientId=${p.id}`}>
                  Access report
                  <span className="visually-hidden">
                    {" "}
                    for {p.givenName} {p.familyName}
                  </span>
                </Link>
              </span>
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}
