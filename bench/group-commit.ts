import { sql } from "drizzle-orm";
import type postgres from "postgres";
import { audit } from "@/server/audit/record";
import { createDb } from "@/server/db/client";
import { withRlsContext, type RlsContext } from "@/server/db/context";
import { spread } from "./stats";

/**
 * Group commit for the audit writes: `commit_delay` makes a committing backend wait that many
 * microseconds so that others' commits share its WAL flush (when at least `commit_siblings` other
 * transactions are open). Measured as audited read transactions per second (the app's own
 * withRlsContext and audit(), as patients.list commits them) from `workers` concurrent callers,
 * with and without the setting, alternating, `rounds` times. The setting is the runtime login's
 * (ALTER ROLE … IN DATABASE, by the superuser): a deployment sets it in postgresql.conf.
 */
export async function groupCommit(opts: {
  superuser: postgres.Sql;
  runtimeUrl: string;
  database: string;
  ctx: RlsContext;
  /** Whom `ctx` signs in as, for the audit rows. */
  actor: { userId: string; orgId: string };
  workers: number;
  seconds: number;
  rounds: number;
  commitDelayMicros: number;
}) {
  const [{ role }] =
    await opts.superuser`select rolname as role from pg_roles where rolname = ${new URL(opts.runtimeUrl).username}`;
  const setDelay = (micros: number) =>
    micros === 0
      ? opts.superuser.unsafe(`alter role "${role}" in database "${opts.database}" reset commit_delay`)
      : opts.superuser.unsafe(`alter role "${role}" in database "${opts.database}" set commit_delay = ${micros}`);

  async function run(micros: number): Promise<number> {
    await setDelay(micros);
    const db = createDb(opts.runtimeUrl, { max: opts.workers, applicationName: "careroster-bench-commit" });
    try {
      const [{ delay }] = await db.$client`select current_setting('commit_delay') as delay`;
      if (Number(delay) !== micros) throw new Error(`commit_delay is ${delay}, expected ${micros}`);
      const deadline = Date.now() + opts.seconds * 1000;
      let done = 0;
      const worker = async () => {
        while (Date.now() < deadline) {
          await withRlsContext(db, opts.ctx, async (tx) => {
            await tx.execute(sql`select 1`);
            await audit(
              { tx, userId: opts.actor.userId, orgId: opts.actor.orgId, requestId: crypto.randomUUID() },
              { action: "patient.list", detail: { patientIds: [] } },
            );
          });
          done++;
        }
      };
      const t0 = performance.now();
      await Promise.all(Array.from({ length: opts.workers }, worker));
      return done / ((performance.now() - t0) / 1000);
    } finally {
      await db.$client.end();
    }
  }

  const off: number[] = [];
  const on: number[] = [];
  try {
    for (let round = 0; round < opts.rounds; round++) {
      if (round % 2 === 0) {
        off.push(await run(0));
        on.push(await run(opts.commitDelayMicros));
      } else {
        on.push(await run(opts.commitDelayMicros));
        off.push(await run(0));
      }
    }
  } finally {
    await setDelay(0);
  }
  return {
    workers: opts.workers,
    commitDelayMicros: opts.commitDelayMicros,
    commitSiblings: 5,
    off: spread(off),
    on: spread(on),
    ratio: spread(on.map((x, i) => x / off[i])),
  };
}
