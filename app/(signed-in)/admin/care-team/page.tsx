import Link from "next/link";
import { orPage } from "@/app/_components/signed-in";
import { getCaller } from "@/server/trpc/server";
import { CareTeamTable } from "./care-team-client";

export const metadata = { title: "Care teams · Admin · CareRoster" };

export default async function CareTeamPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { unassigned, q, cursor } = await searchParams;
  const caller = await getCaller();
  const unassignedOnly = unassigned === "1";
  const [clinicians, page] = await orPage(
    Promise.all([
      caller.admin.careTeam.clinicians(),
      caller.admin.careTeam.patients({ unassignedOnly, search: q || undefined, cursor: cursor ?? null }),
    ]),
    "/admin/care-team",
  );
  const qs = (extra: Record<string, string>) =>
    new URLSearchParams({ ...(unassignedOnly ? { unassigned: "1" } : {}), ...(q ? { q } : {}), ...extra }).toString();
  return (
    <>
      <h1>Care teams</h1>
      <section className="card" aria-labelledby="panels">
        <h2 id="panels">Panel sizes</h2>
        <ul className="chips">
          {clinicians.map((c) => (
            <li key={c.userId} className="chip">
              {c.name}: {c.panelSize}
            </li>
          ))}
        </ul>
      </section>
      <form className="filters" method="get" aria-label="Filter patients">
        <div className="field">
          <label htmlFor="ct-search">Search</label>
          <input id="ct-search" name="q" defaultValue={q ?? ""} />
        </div>
        <label>
          <input type="checkbox" name="unassigned" value="1" defaultChecked={unassignedOnly} /> Unassigned only
        </label>
        <button type="submit" className="secondary">
          Apply
        </button>
      </form>
      <CareTeamTable clinicians={clinicians} items={page.items} />
      <p className="actions">
        {cursor && <Link href={`/admin/care-team?${qs({})}`}>First page</Link>}
        {page.nextCursor && <Link href={`/admin/care-team?${qs({ cursor: page.nextCursor })}`}>Next page</Link>}
      </p>
    </>
  );
}
