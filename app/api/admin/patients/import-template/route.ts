import { IMPORT_COLUMNS } from "@/lib/schemas/import";
import { csvRow } from "@/server/audit/csv";

export const dynamic = "force-static";

/** The roster import's CSV template: the header row only (docs/import-and-export.md describes each column). */
export function GET() {
  return new Response(csvRow(Object.keys(IMPORT_COLUMNS)), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": 'attachment; filename="patient-import-template.csv"',
    },
  });
}
