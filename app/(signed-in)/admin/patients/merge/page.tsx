import Link from "next/link";
import { notFound } from "next/navigation";
import { orPage } from "@/app/_components/signed-in";
import { patientIdInput } from "@/lib/schemas/patients";
import { getCaller } from "@/server/trpc/server";
import { MergeForm } from "./merge-form";

export const metadata = { title: "Merge charts · Admin · CareRoster" };

/** Admin → Patients → Merge: the chart to merge away, and the charts it could be merged into (found by search). */
export default async function MergePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { mergeId, q } = await searchParams;
  if (!patientIdInput.safeParse({ id: mergeId }).success) notFound();
  const here = `/admin/patients/merge?mergeId=${mergeId}`;
  const caller = await getCaller();
  const merge = await orPage(caller.patients.byId({ id: mergeId! }), here);
  const search = q?.trim() || merge.familyName;
  const page = await orPage(caller.patients.list({ search, limit: 50 }), here);
  const candidates = page.items.filter((p) => p.id !== merge.id);
  return (
    <>
      <p>
        <Link href="/admin/patients">← All patients</Link>
      </p>
      <h1>Merge charts</h1>
      <p className="muted">
        Appointments and the care team move to the chart you keep. Notes stay signed and unchanged and show on the kept
        chart. The merged chart is archived and opening it leads to the kept chart.
      </p>
      <form className="filters" method="get" aria-label="Find the chart to keep">
        <input type="hidden" name="mergeId" value={merge.id} />
        <div className="field">
          <label htmlFor="merge-search">Find the chart to keep (name or MRN)</label>
          <input id="merge-search" name="q" defaultValue={search} />
        </div>
        <button type="submit" className="secondary">
          Search
        </button>
      </form>
      <MergeForm merge={merge} candidates={candidates} />
    </>
  );
}
