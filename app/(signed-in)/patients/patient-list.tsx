"use client";

import { PendingLink as Link } from "@/app/_components/nav-link";
import { useInfiniteQuery } from "@tanstack/react-query";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import { formatDate, formatDateTime, formatDay, formatTime, isoDay } from "@/lib/time";
import { useTRPC } from "@/lib/trpc/client";
import type { RouterOutputs } from "@/server/trpc/types";

import { PATIENT_PAGE_SIZE as PAGE_SIZE } from "@/lib/schemas/patients";
import { DataTable } from "@/app/_components/data-table";
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

/** The list's state as the URL keeps it (`?q=…&sort=lastVisit&shown=50`), so reload and Back restore it. */
export interface ListState {
  search: string;
  sort: Sort;
  /** Rows shown: the first page's size after "Load more" (at most 100). */
  shown: number;
}

/** Rows come from patients.list exactly as the database returned them; no filtering here. */
export function PatientList({ initial, state, timeZone }: { initial: Page; state: ListState; timeZone: string }) {
  const until = (at: Date) =>
    isoDay(at, timeZone) === isoDay(new Date(), timeZone) ? formatTime(at, timeZone) : formatDateTime(at, timeZone);
  const trpc = useTRPC();
  const pathname = usePathname();
  const [search, setSearch] = useState(state.search);
  const [sort, setSort] = useState<Sort>(state.sort);
  const [shown, setShown] = useState(state.shown);
  const term = useDebounced(search.trim(), 300);
  const asLoaded = term === state.search && sort === state.sort;
  const firstPage = asLoaded ? state.shown : PAGE_SIZE;
  const query = useInfiniteQuery(
    trpc.patients.list.infiniteQueryOptions(
      { limit: firstPage, search: term || undefined, sort },
      {
        getNextPageParam: (last) => last.nextCursor,
        initialData: asLoaded ? { pages: [initial], pageParams: [null] } : undefined,
      },
    ),
  );
  const pages = query.data?.pages ?? [];
  const items = pages.flatMap((p) => p.items);
  // The URL follows the list without a server round trip (Next keeps history.replaceState in step
  // with its router); replace, because typing is not a step Back should walk through. It follows
  // the typed text, not the debounced term: a late replaceState would cancel a click on a row
  // made meanwhile.
  const typed = search.trim();
  useEffect(() => {
    const params = new URLSearchParams();
    if (typed) params.set("q", typed);
    if (sort !== "name") params.set("sort", sort);
    if (shown > PAGE_SIZE) params.set("shown", String(shown));
    const next = params.size ? `${pathname}?${params}` : pathname;
    if (next !== `${window.location.pathname}${window.location.search}`) window.history.replaceState(null, "", next);
  }, [typed, sort, shown, pathname]);
  const anyBadge = items.some((p) => p.access !== null);
  const total = pages[0]?.total ?? null;

  return (
    <section aria-labelledby="patients-heading">
      <h2 id="patients-heading" className="visually-hidden">
        Patient list
      </h2>
      <div className="toolbar">
        <div className="field grow">
          <label htmlFor="patient-search">Search by name, MRN or birth date</label>
          <input
            id="patient-search"
            type="search"
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              setShown(PAGE_SIZE);
            }}
            placeholder="e.g. Applegate, Ada · DEMO-N-0001 · 4 Apr 1979"
          />
        </div>
        <div className="field">
          <label htmlFor="patient-sort">Sort by</label>
          <select
            id="patient-sort"
            value={sort}
            onChange={(e) => {
              setSort(e.target.value as Sort);
              setShown(PAGE_SIZE);
            }}
          >
            <option value="name">Name</option>
            <option value="lastVisit">Last visit</option>
          </select>
        </div>
      </div>
      <p className="muted" aria-live="polite" data-testid="patient-count">
        {query.isPending
          ? "Loading…"
          : total === null
            ? ""
            : `Showing ${items.length} of ${total} patient${total === 1 ? "" : "s"}`}
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
        <DataTable
          label="Patients"
          columns={["Name", anyBadge && "Access", "MRN", "Birth date", "Last visit", "Next appointment"]}
          data-any-badge={anyBadge || undefined}
        >
          {items.map((p) => (
            <tr key={p.id}>
              <td>
                <Link href={`/patients/${p.id}`}>
                  {p.familyName}, {p.givenName}
                </Link>
              </td>
              {anyBadge && (
                <td>
                  {p.access?.via === "break_glass" && (
                    <span className="access-badge temporary">Temporary access until {until(p.access.until)}</span>
                  )}
                  {p.access?.via === "coverage" && (
                    <span className="access-badge covering">Covering {p.access.coveredName ?? "a colleague"}</span>
                  )}
                  {!p.access && <span className="muted">Care team</span>}
                </td>
              )}
              <td className="mrn">{p.mrn}</td>
              <td>{formatDate(p.birthDate)}</td>
              <td>{p.lastVisit ? formatDay(p.lastVisit, timeZone) : "—"}</td>
              <td>{p.nextVisit ? formatDateTime(p.nextVisit, timeZone) : "—"}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {query.hasNextPage && (
        <p>
          <button
            type="button"
            className="secondary"
            onClick={async () => {
              await query.fetchNextPage();
              setShown((n) => Math.min(n + PAGE_SIZE, 100));
            }}
            disabled={query.isFetchingNextPage}
          >
            {query.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        </p>
      )}
    </section>
  );
}
