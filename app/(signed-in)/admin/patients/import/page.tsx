import Link from "next/link";
import { orPage } from "@/app/_components/signed-in";
import { IMPORT_LIMITS } from "@/lib/schemas/import";
import { getCaller } from "@/server/trpc/server";
import { ImportRoster } from "./import-roster";

export const metadata = { title: "Import patients · Admin · CareRoster" };

/** Admin → Patients → Import: a roster file previewed row by row, then imported in batches. */
export default async function ImportPage() {
  const clinicians = await orPage((await getCaller()).admin.careTeam.clinicians(), "/admin/patients/import");
  return (
    <>
      <p>
        <Link href="/admin/patients">← All patients</Link>
      </p>
      <h1>Import patients</h1>
      <p className="muted">
        A CSV file with the{" "}
        <a href="/api/admin/patients/import-template" download>
          template&apos;s columns
        </a>{" "}
        or a FHIR R4 Bundle of Patient resources (JSON): at most {IMPORT_LIMITS.maxRows.toLocaleString("en")} patients
        and {IMPORT_LIMITS.maxBytes / (1024 * 1024)} MB a file. Nothing is saved until you import the preview; rows with
        a problem are skipped and listed.
      </p>
      <details className="card">
        <summary>The CSV columns</summary>
        <ul>
          <li>
            <code>given_name</code>, <code>family_name</code>, <code>birth_date</code> are required; a birth date is
            written <code>1979-04-04</code> or <code>4 Apr 1979</code>.
          </li>
          <li>
            <code>mrn</code>: letters, digits and dashes; blank takes the practice&apos;s next MRN. An MRN the practice
            has, or one on two rows, is refused.
          </li>
          <li>
            <code>sex</code>: female, male, other or unknown (or F, M, O, U); blank is unknown.
          </li>
          <li>
            Optional: <code>phone</code>, <code>email</code>, <code>preferred_name</code>, <code>pronouns</code>,{" "}
            <code>address_line</code>, <code>address_city</code>, <code>address_region</code>,{" "}
            <code>address_postal_code</code>, <code>address_country</code> (two letters), <code>emergency_name</code>,{" "}
            <code>emergency_relationship</code> (spouse, partner, parent, child, sibling, guardian, friend, other),{" "}
            <code>emergency_phone</code>, <code>insurance_payer</code>, <code>insurance_member_id</code>.
          </li>
          <li>
            A row that looks like a patient the practice has (similar name and same birth date, same phone or email) is
            skipped: register that person by hand if they are someone else.
          </li>
        </ul>
      </details>
      <ImportRoster clinicians={clinicians.map((c) => ({ id: c.userId, name: c.name }))} />
    </>
  );
}
