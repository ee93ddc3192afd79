import { getTableColumns, sql, type Table } from "drizzle-orm";
import { patients } from "@/server/db/schema";

/** Some of a table's columns by name, to spread into a select list: `{ ...columnsOf(users, "id", "name") }`. */
export function columnsOf<T extends Table, K extends keyof T["_"]["columns"] & string>(
  table: T,
  ...names: K[]
): Pick<T["_"]["columns"], K> {
  const all = getTableColumns(table);
  return Object.fromEntries(names.map((n) => [n, all[n]])) as Pick<T["_"]["columns"], K>;
}

/** How lists outside the chart name a patient: "Given Family" and the MRN (null through a left join). */
export const patientLabel = {
  patientName: sql<string | null>`${patients.givenName} || ' ' || ${patients.familyName}`,
  patientMrn: patients.mrn,
};
