import { z } from "zod";
import { baselineEnabled, handWrittenClinicianList } from "@/server/bench/baseline";

export const dynamic = "force-dynamic";

const input = z.object({
  clinicianId: z.uuid(),
  orgId: z.uuid(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** Benchmark only (see server/bench/baseline.ts): 404 in every normal start. */
export async function GET(req: Request) {
  if (!baselineEnabled()) return new Response("Not found\n", { status: 404 });
  const parsed = input.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success) return new Response("Bad request\n", { status: 400 });
  const rows = await handWrittenClinicianList(parsed.data.clinicianId, parsed.data.orgId, parsed.data.limit);
  return Response.json({ items: rows });
}
