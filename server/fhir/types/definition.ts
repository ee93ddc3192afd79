import { sql, type AnyColumn, type SQL } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { idMatch, referenceMatch } from "@/server/fhir/params";
import type { Tx } from "@/server/db/client";
import type { ResourceType } from "@/server/fhir/resources/common";

/** One search parameter of a resource type: its FHIR type, what it means, and its condition per value. */
export interface SearchParam {
  type: "string" | "token" | "reference" | "date";
  documentation: string;
  /** The modifiers it takes (`name:exact`); any other is bad input. */
  modifiers?: readonly string[];
  /** One value (commas already split) → its SQL condition; throws ParamError when malformed. */
  match(value: string, modifier: string | null, base: string): SQL;
}

/**
 * A sort key of a searchset and the type its page-token value is cast back to. A timestamp sorts
 * by its milliseconds (`byMillisecond`): the token carries JavaScript's ISO time, and a key finer
 * than the token would repeat a row on the next page.
 */
export interface SortColumn {
  column: AnyColumn | SQL;
  cast: "text" | "uuid" | "timestamptz";
}

/**
 * A resource type the API serves: how its rows are read (plain queries: the policies decide which
 * rows exist), searched and sorted, and which patient a row is about (for `patient/` scopes and the
 * audit).
 */
export interface FhirType<Row> {
  type: ResourceType;
  idColumn: AnyColumn;
  /** The column naming the patient a row is about; null when the resource is not about one. */
  patientColumn: AnyColumn | null;
  params: Record<string, SearchParam>;
  /** The searchset's order: a total order ending in the id (keyset paging). */
  sort: SortColumn[];
  sortKey(row: Row): string[];
  rows(tx: Tx, where: SQL | undefined, orderBy: SQL[], limit: number): Promise<Row[]>;
  patientOf(row: Row): string | null;
  resource(row: Row): { resourceType: ResourceType; id: string };
}

export const byMillisecond = (column: AnyColumn) => sql`date_trunc('milliseconds', ${column})`;

/** Declares a resource type (keeps `Row` tied across its functions). */
export const fhirType = <Row>(t: FhirType<Row>): FhirType<Row> => t;

/** A reference parameter on `column`: `Type/<id>`, `<id>` or the absolute URL, with the `:Type` modifier. */
export const referenceParam = (
  column: AnyColumn,
  type: "Patient" | "Practitioner",
  documentation: string,
): SearchParam => ({
  type: "reference",
  documentation,
  modifiers: [type],
  match: (v, _m, base) => referenceMatch(column, type, v, base),
});

/** `_id` on the id column. */
export const idParam = (column: AnyColumn, documentation: string): SearchParam => ({
  type: "token",
  documentation,
  match: (v) => idMatch(column, v),
});

/** The rows of one table, whole, as the policies return them. */
export const tableRows =
  <T extends PgTable>(table: T) =>
  (tx: Tx, where: SQL | undefined, orderBy: SQL[], limit: number) =>
    tx
      .select()
      .from(table as PgTable)
      .where(where)
      .orderBy(...orderBy)
      .limit(limit) as unknown as Promise<T["$inferSelect"][]>;
