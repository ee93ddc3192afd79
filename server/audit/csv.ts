import { stringify } from "csv-stringify/sync";

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell's text: dates as ISO 8601, objects as JSON, and a leading `'` on anything a spreadsheet would run as a formula. */
export function csvText(value: unknown): string {
  const s =
    value instanceof Date
      ? value.toISOString()
      : value === null || value === undefined
        ? ""
        : typeof value === "object"
          ? JSON.stringify(value)
          : String(value);
  return FORMULA_START.test(s) ? `'${s}` : s;
}

/** Rows as CSV (csv-stringify): every cell quoted (empty ones too), CRLF line ends, formula-like cells neutralised. */
export function csvRows(rows: unknown[][]): string {
  return stringify(
    rows.map((r) => r.map(csvText)),
    { quoted: true, quoted_empty: true, record_delimiter: "windows" },
  );
}

export const csvRow = (values: unknown[]) => csvRows([values]);
