import http from "node:http";
import type postgres from "postgres";
import { z } from "zod";
import { LIST_COLUMNS, twinPatientList } from "./twin";

// The benchmark's yardstick: the clinician list written by hand, on a connection that bypasses
// RLS (the owner), with no session check and no transaction, behind a bare node:http server. It
// lives here, not in the app: `npm run bench` starts it (bench/baseline-server.ts) beside the app.

/** A clinician's patients by name, the list's columns: their care team and unexpired grants, not archived, in the org. */
export function handWrittenClinicianList(sql: postgres.Sql, clinicianId: string, orgId: string, limit: number) {
  return sql`
    select ${sql.unsafe(LIST_COLUMNS)} from patients p
    where p.org_id = ${orgId} and p.archived_at is null
      and p.id in (select patient_id from care_team where clinician_id = ${clinicianId} and org_id = ${orgId}
                   union select patient_id from access_grants where clinician_id = ${clinicianId} and org_id = ${orgId} and expires_at > now())
    order by p.family_name, p.given_name, p.id
    limit ${limit}`;
}

const input = z.object({
  clinicianId: z.uuid(),
  orgId: z.uuid(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** The path the baseline answers on. */
export const BASELINE_PATH = "/baseline";
/** The path the unguarded twin of `patients.list` (bench/twin.ts) answers on. */
export const TWIN_PATH = "/twin";

/**
 * `GET /baseline?clinicianId=…&orgId=…&limit=…` answers `{ items }` (the list above, as JSON);
 * `GET /twin?…` (the same parameters) answers `{ items, total, nextCursor }` as `patients.list` does;
 * `GET /health` answers 200 once listening; anything else 404, bad parameters 400.
 */
export function baselineServer(sql: postgres.Sql): http.Server {
  return http.createServer((req, res) => {
    const send = (status: number, body: string, type = "text/plain; charset=utf-8") => {
      res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
      res.end(body);
    };
    const url = new URL(req.url ?? "/", "http://baseline");
    if (req.method !== "GET") return send(405, "Method not allowed\n");
    if (url.pathname === "/health") return send(200, "ok\n");
    if (url.pathname !== BASELINE_PATH && url.pathname !== TWIN_PATH) return send(404, "Not found\n");
    const parsed = input.safeParse(Object.fromEntries(url.searchParams));
    if (!parsed.success) return send(400, "Bad request\n");
    const { clinicianId, orgId, limit } = parsed.data;
    const answer =
      url.pathname === TWIN_PATH
        ? twinPatientList(sql, clinicianId, orgId, limit)
        : handWrittenClinicianList(sql, clinicianId, orgId, limit).then((items) => ({ items }));
    answer.then(
      (body) => send(200, JSON.stringify(body), "application/json"),
      () => send(500, "Query failed\n"),
    );
  });
}
