import Link from "next/link";
import { DataTable } from "@/app/_components/data-table";
import { EXPORT_PAGE_SIZE, type ExportType } from "@/lib/schemas/export";

export const metadata = { title: "Export · Admin · CareRoster" };

const FILES: { type: ExportType; what: string }[] = [
  { type: "Patient", what: "Every patient of the practice, archived and merged charts included, with their MRN." },
  { type: "Practitioner", what: "The practice's members, active and suspended." },
  { type: "Appointment", what: "Every appointment, past and future, cancelled ones included." },
  {
    type: "DocumentReference",
    what: "Each signed note: its patient, author, signing time and what it appends. Not its text (see below).",
  },
];

/** Admin → Patients → Export: one FHIR ndjson download per resource type. */
export default function ExportPage() {
  return (
    <>
      <p>
        <Link href="/admin/patients">← All patients</Link>
      </p>
      <h1>Export the practice&apos;s data</h1>
      <p className="muted">
        For a practice moving to another system or archiving its records: each file holds one FHIR R4 resource a line
        (ndjson, as FHIR bulk data writes it), read {EXPORT_PAGE_SIZE} at a time as you download. Every download is in
        the audit log and on each named patient&apos;s access report.
      </p>
      <DataTable label="Export files" className="stacked" columns={["File", "What it holds"]}>
        {FILES.map((f) => (
          <tr key={f.type}>
            <td data-label="File">
              <a href={`/api/admin/export/${f.type}`} download>
                Download {f.type}.ndjson
              </a>
            </td>
            <td data-label="What it holds">{f.what}</td>
          </tr>
        ))}
      </DataTable>
      <section className="card" aria-labelledby="export-notes">
        <h2 id="export-notes">Why notes leave without their text</h2>
        <p>
          An admin reads no clinical note: the note&apos;s text is for the patient&apos;s care team (minimum necessary).
          The export lists every signed note so the receiving system knows what exists; the text itself is read through
          the FHIR API by a clinician of the care team, or handed over by the operator of your CareRoster server.
        </p>
      </section>
    </>
  );
}
