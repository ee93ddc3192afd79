import { auditFilterInput } from "@/lib/schemas/admin";
import { csvRows } from "@/server/audit/csv";
import { createContext } from "@/server/trpc/context";
import { errorResponse } from "@/server/trpc/http-error";
import { createCaller } from "@/server/trpc/routers/_app";

export const dynamic = "force-dynamic";

// Names beside ids: the actor and the patient (name and MRN) as they are now, the action code and its
// label; then the row in words as the audit page shows it (what it was about, its details, and an
// emergency access's reason).
const COLUMNS = [
  "at",
  "actorId",
  "actorName",
  "action",
  "actionLabel",
  "entity",
  "entityId",
  "patientId",
  "patientName",
  "patientMrn",
  "requestId",
  "detail",
  "about",
  "details",
  "emergencyReason",
] as const;
const MAX_ROWS = 50_000;

/** The audit export: the same admin.audit.list procedure, page by page, as CSV (server/audit/csv.ts: csv-stringify, every cell quoted). */
export async function GET(req: Request) {
  const caller = createCaller(await createContext({ headers: req.headers }));
  const params = Object.fromEntries(new URL(req.url).searchParams);
  const parsed = auditFilterInput.safeParse(params);
  if (!parsed.success) return new Response("Invalid filters.\n", { status: 400 });
  let body = csvRows([[...COLUMNS]]);
  let cursor: string | null = null;
  let rows = 0;
  try {
    do {
      const page: Awaited<ReturnType<typeof caller.admin.audit.list>> = await caller.admin.audit.list({
        ...parsed.data,
        cursor,
        limit: 1000,
      });
      body += csvRows(
        page.items.map((e) => {
          const row = {
            ...e,
            actionLabel: e.words.action,
            about: e.words.entity,
            details: e.words.details,
            emergencyReason: e.words.emergencyReason,
          };
          return COLUMNS.map((c) => row[c]);
        }),
      );
      rows += page.items.length;
      cursor = page.nextCursor;
    } while (cursor && rows < MAX_ROWS);
  } catch (err) {
    return errorResponse(err);
  }
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`,
      "cache-control": "no-store",
    },
  });
}
