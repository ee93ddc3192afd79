"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState } from "react";
import { useTRPC } from "@/lib/trpc/client";
import type { RouterOutputs } from "@/server/trpc/types";

import { PATIENT_PAGE_SIZE as PAGE_SIZE } from "@/lib/schemas/patients";
type Page = RouterOutputs["patients"]["list"];
type Sort = "name" | "lastVisit";

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

const dateFmt = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium" });

/** Rows come from patients.list exactly as the database returned them; no filtering here. */
export function PatientList({ initial }: { initial: Page }) {
  const trpc = useTRPC();
  const [search, setSearch] = useState("");
  const [sort, setSort] = useState<Sort>("name");
  const term = useDebounced(search.trim(), 300);
  const pristine = term === "" && sort === "name";
  const query = useInfiniteQuery(
    trpc.patients.list.infiniteQueryOptions(
      { limit: PAGE_SIZE, search: term || undefined, sort },
      {
        getNextPageParam: (last) => last.nextCursor,
        initialData: pristine ? { pages: [initial], pageParams: [null] } : undefined,
      },
    ),
  );
  const pages = query.data?.pages ?? [];
  const items = pages.flatMap((p) => p.items);
  const total = pages[0]?.total ?? null;

  return (
    <section aria-labelledby="patients-heading">
      <h2 id="patients-heading" className="visually-hidden">
        Patient list
      </h2>
      <div className="toolbar">
        <div className="field grow">
          <label htmlFor="patient-search">Search by name or MRN</label>
          <input id="patient-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="e.g. Applegate or DEMO-N-0001" />
        </div>
        <div className="field">
          <label htmlFor="patient-sort">Sort by</label>
          <select id="patient-sort" value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
            <option value="name">Name</option>
            <option value="lastVisit">Last visit</option>
          </select>
        </div>
      </div>
      <p className="muted" aria-live="polite" data-testid="patient-count">
        {query.isPending ? "Loading…" : total === null ? "" : `Showing ${items.length} of ${total} patient${total === 1 ? "" : "s"}`}
      </p>
      {query.isError && (
        <p className="alert" role="alert">
          Could not load patients: {query.error.message}{" "}
          <button type="button" className="secondary" onClick={() => query.refetch()}>
            Try again
          </button>
        </p>
      )}
      {!query.isPending && items.length === 0 && !query.isError ? (
        <p className="empty">{term ? `No patients match “${term}”.` : "No patients to show yet."}</p>
      ) : (
        <table aria-label="Patients">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">MRN</th>
              <th scope="col">Birth date</th>
              <th scope="col">Last visit</th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link href={`/patients/${p.id}`}>
                    {p.familyName}, {p.givenName}
                  </Link>
                </td>
                <td>{p.mrn}</td>
                <td>{p.birthDate}</td>
                <td>{p.lastVisit ? dateFmt.format(p.lastVisit) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {query.hasNextPage && (
        <p>
          <button type="button" className="secondary" onClick={() => query.fetchNextPage()} disabled={query.isFetchingNextPage}>
            {query.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        </p>
      )}
    </section>
  );
}
