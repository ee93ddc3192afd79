import { and, asc, desc, eq, gte, ilike, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import { parseDate } from "@/lib/time";
import { z } from "zod";
import type { PatientListInput } from "@/lib/schemas/patients";
import type { Tx } from "@/server/db/client";
import type { AccessBasis } from "@/server/db/schema";
import { containsPattern, decodeCursor, takePage } from "@/server/db/pagination";
import { patients, patientSearchText, users } from "@/server/db/schema";
import { AppError } from "@/server/errors";
import { listExtras } from "./list-extras";

const nameCursor = z.object({ f: z.string(), g: z.string(), id: z.uuid() });
const visitCursor = z.object({ v: z.string(), id: z.uuid() });

/**
 * The most recent past visit; '-infinity' stands in for "never" so the keyset order is total.
 * `patients.id` is written out: drizzle leaves columns unqualified in a one-table select, where
 * `id` inside the subquery would bind to appointments.id.
 */
export const lastVisit = sql<string>`coalesce((select max(a.starts_at) from appointments a
  where a.patient_id = patients.id and a.starts_at < now() and a.status <> 'cancelled'), '-infinity'::timestamptz)`;

const notFound = () => new AppError("NOT_FOUND", "Patient not found.");

/** The policies decide whether the row exists for this caller; hidden and missing look the same. */
export async function findVisiblePatient(tx: Tx, id: string) {
  const [row] = await tx.select().from(patients).where(eq(patients.id, id));
  if (!row) throw notFound();
  return row;
}

/** The name of who last changed a patient (a colleague of the practice; the policies show their name). */
export async function lastEditor(tx: Tx, userId: string | null): Promise<string | null> {
  if (!userId) return null;
  const [row] = await tx.select({ name: users.name }).from(users).where(eq(users.id, userId));
  return row?.name ?? null;
}

export async function setArchived(tx: Tx, id: string, archived: boolean) {
  const [row] = await tx
    .update(patients)
    .set({ archivedAt: archived ? sql`now()` : null })
    .where(eq(patients.id, id))
    .returning();
  if (!row) throw notFound();
  return row;
}

/**
 * The list's search box: "Family, Given" (as the list shows it), "Given Family", part of a name or
 * an MRN (one trigram-indexed ILIKE over patientSearchText), a birth date ("4 Apr 1979" or ISO) or
 * a birth year (ranges on patients_org_birth_idx).
 */
export const patientSearch = (term: string) => {
  const typed = term.replace(/\s*,\s*/g, ", ").replace(/\s+/g, " ");
  const byText = ilike(patientSearchText, containsPattern(typed));
  const date = parseDate(typed);
  if (date) return eq(patients.birthDate, date);
  const year = /^(\d{4})$/.exec(typed)?.[1];
  if (year && +year >= 1900 && +year <= 2100) {
    return or(and(gte(patients.birthDate, `${year}-01-01`), lte(patients.birthDate, `${year}-12-31`)), byText);
  }
  return byText;
};

/**
 * What a list shows of a patient: who they are, not how to reach them, where they live or who
 * insures them (the chart holds those). A page of 25 is also a third of the bytes to read, map,
 * serialize and send.
 */
const listColumns = {
  id: patients.id,
  orgId: patients.orgId,
  mrn: patients.mrn,
  givenName: patients.givenName,
  familyName: patients.familyName,
  preferredName: patients.preferredName,
  birthDate: patients.birthDate,
  sex: patients.sex,
  archivedAt: patients.archivedAt,
  mergedInto: patients.mergedInto,
  version: patients.version,
  createdAt: patients.createdAt,
  updatedAt: patients.updatedAt,
};

/**
 * The list's first query: a page of `limit + 1` rows (the extra one says whether another page
 * exists) and, on the first page, the total. No tenant or care-team filter here: the policies
 * return only the caller's patients. The bench times this very statement (bench/queries.ts).
 */
export function pageQuery(tx: Pick<Tx, "select">, input: PatientListInput) {
  const filters: (SQL | undefined)[] = [];
  if (!input.includeArchived) filters.push(isNull(patients.archivedAt));
  if (input.search) filters.push(patientSearch(input.search));
  const byName = input.sort === "name";
  const after = input.cursor && byName ? decodeCursor(input.cursor, nameCursor) : null;
  if (after) {
    filters.push(
      sql`(${patients.familyName}, ${patients.givenName}, ${patients.id}) > (${after.f}, ${after.g}, ${after.id})`,
    );
  } else if (input.cursor) {
    const c = decodeCursor(input.cursor, visitCursor);
    filters.push(
      sql`(${lastVisit} < ${c.v}::timestamptz or (${lastVisit} = ${c.v}::timestamptz and ${patients.id} > ${c.id}))`,
    );
  }
  // The plain list by name reads only its page: app_list_page_ids (drizzle/0026_list_order.sql)
  // names the next ids in list order from index ranges, and the policies still decide which of
  // those rows this query returns. Its total (app_list_total) is the size of the set the caller's
  // policy admits, counted without fetching the rows.
  const range = byName && !input.search && !input.includeArchived;
  if (range) {
    filters.push(
      sql`${patients.id} = any(app_list_page_ids(${after?.f ?? null}, ${after?.g ?? null}, ${after?.id ?? null}::uuid, ${input.limit + 1}))`,
    );
  }
  const order = byName
    ? [asc(patients.familyName), asc(patients.givenName), asc(patients.id)]
    : [desc(lastVisit), asc(patients.id)];
  // By name, the last visit comes with the page's other extras in one lookup (as a subquery in the
  // select list it would re-read the policy's care-team array once per row, ~0.3 ms each). The
  // total comes with the first page only (later pages keep the count the client has): the count
  // above for the plain list, else a window over the rows the sort reads anyway.
  const total = input.cursor
    ? sql<null>`null`
    : range
      ? sql<number>`(select app_list_total())`.mapWith(Number)
      : sql<number>`count(*) over ()`.mapWith(Number);
  return tx
    .select({ patient: listColumns, lastVisit: byName ? sql<string>`null` : lastVisit, total })
    .from(patients)
    .where(and(...filters))
    .orderBy(...order)
    .limit(input.limit + 1);
}

/** The caller's patients, keyset-paginated by (family name, given name, id) or by last visit. */
export async function listPatients(tx: Tx, input: PatientListInput) {
  const byName = input.sort === "name";
  const rows = await pageQuery(tx, input);
  const { page, nextCursor } = takePage(rows, input.limit, (last) =>
    byName
      ? { f: last.patient.familyName, g: last.patient.givenName, id: last.patient.id }
      : { v: last.lastVisit, id: last.patient.id },
  );
  const extras = await listExtras(
    tx,
    page.map((r) => r.patient.id),
  );
  const items = page.map((r) => {
    const last = byName
      ? extras.lastVisit.get(r.patient.id)
      : r.lastVisit !== "-infinity"
        ? new Date(r.lastVisit)
        : null;
    return {
      ...r.patient,
      lastVisit: last ?? null,
      nextVisit: extras.nextVisit.get(r.patient.id) ?? null,
      access: extras.badges.get(r.patient.id) ?? null,
    };
  });
  return { items, nextCursor, total: input.cursor ? null : (rows[0]?.total ?? 0) };
}

/** Why the caller sees this patient (the database's app_access_basis, as the audit trigger uses it), a grant's end and a cover. */
export async function chartAccess(tx: Tx, patientId: string) {
  const [access] = await tx.execute<{
    basis: AccessBasis | null;
    grant: { id: string; expires_at: string } | null;
    cover: { name: string | null; until: string } | null;
  }>(sql`
    select app_access_basis(${patientId}) as basis,
           (select json_build_object('id', g.id, 'expires_at', g.expires_at) from access_grants g
             where g.patient_id = ${patientId} and g.clinician_id = app_user_id()
               and app_grant_running(g)
             order by g.expires_at desc limit 1) as grant,
           (select json_build_object('name', u.name, 'until', app_cover_until(c))
              from coverage c
              join care_team ct on ct.org_id = c.org_id and ct.clinician_id = c.covered_id and ct.patient_id = ${patientId}
              left join users u on u.id = c.covered_id
             where c.covering_id = app_user_id() and app_cover_active(c)
             order by app_cover_until(c) desc limit 1) as cover`);
  return {
    via: access.basis ?? "admin",
    grantExpiresAt: access.grant ? new Date(access.grant.expires_at) : null,
    /** The caller's running grant for this patient (the chart's "End access"). */
    grantId: access.grant?.id ?? null,
    cover: access.cover ? { coveredName: access.cover.name, until: new Date(access.cover.until) } : null,
  };
}
