import { randomUUID } from "node:crypto";
import { EXPORT_TYPES } from "@/lib/schemas/export";
import { exportNdjson } from "@/server/export/ndjson";
import { createContext } from "@/server/trpc/context";
import { errorResponse } from "@/server/trpc/http-error";
import { createCaller } from "@/server/trpc/routers/_app";

export const dynamic = "force-dynamic";

/** `/api/admin/export/Patient` …: one resource type of the practice as FHIR ndjson, streamed (server/export/ndjson.ts). */
export async function GET(req: Request, { params }: { params: Promise<{ type: string }> }) {
  const { type } = await params;
  const resourceType = EXPORT_TYPES.find((t) => t === type);
  if (!resourceType) return new Response(`Export one of: ${EXPORT_TYPES.join(", ")}.\n`, { status: 404 });
  const caller = createCaller(await createContext({ headers: req.headers }));
  try {
    const exportId = randomUUID();
    const body = await exportNdjson((after) => caller.admin.export.page({ exportId, resourceType, after }));
    const day = new Date().toISOString().slice(0, 10);
    return new Response(body, {
      headers: {
        "content-type": "application/fhir+ndjson",
        "content-disposition": `attachment; filename="careroster-${day}-${resourceType}.ndjson"`,
        "cache-control": "no-store",
      },
    });
  } catch (err) {
    return errorResponse(err);
  }
}
