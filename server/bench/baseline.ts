import postgres from "postgres";
import { env } from "@/server/env";

/**
 * The benchmark's yardstick: the clinician list written by hand, on a connection that bypasses
 * RLS, with no session check and no transaction. It exists only when the server was started by
 * `npm run bench` with CAREROSTER_BENCH_BASELINE=1 and a BENCH_BASELINE_DATABASE_URL.
 */
export const baselineEnabled = () => env().CAREROSTER_BENCH_BASELINE && Boolean(env().BENCH_BASELINE_DATABASE_URL);

let pool: postgres.Sql | undefined;

export function handWrittenClinicianList(clinicianId: string, orgId: string, limit: number) {
  pool ??= postgres(env().BENCH_BASELINE_DATABASE_URL!, { max: env().DATABASE_POOL_MAX, onnotice: () => {} });
  return pool`
    select p.* from patients p
    where p.org_id = ${orgId} and p.archived_at is null
      and p.id in (select patient_id from care_team where clinician_id = ${clinicianId} and org_id = ${orgId}
                   union select patient_id from access_grants where clinician_id = ${clinicianId} and org_id = ${orgId} and expires_at > now())
    order by p.family_name, p.given_name, p.id
    limit ${limit}`;
}
