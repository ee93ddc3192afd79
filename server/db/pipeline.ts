import { env } from "@/server/env";
import type { SQL } from "drizzle-orm";
import type { PgDialect } from "drizzle-orm/pg-core";
import { PostgresJsSession, PostgresJsTransaction } from "drizzle-orm/postgres-js/session";
import type postgres from "postgres";
import type { Db, Tx } from "./client";

/**
 * A pipelined transaction: the adapter under withRlsContext (server/db/context.ts). It saves the
 * round trips a plain `db.transaction()` spends waiting for answers nobody needs yet.
 *
 * The contract of `pipelinedTransaction(db, opening, judge, fn, timer?)`:
 * - It reserves one connection of `db`'s pool for the whole transaction and releases it after
 *   COMMIT or ROLLBACK, whatever happens.
 * - BEGIN, `opening` and the first query `fn` issues leave in one network write (postgres.js sends
 *   queries issued without awaiting together).
 * - `judge` receives `opening`'s rows. What it returns is the verdict `fn` gets as a promise; if it
 *   throws, the transaction rolls back (whatever that first query did included) and the call
 *   rejects with the judge's error, whatever `fn` made of it meanwhile.
 * - The first query's rows reach `fn` only once the verdict is in (a failed verdict rejects that
 *   query too). Only the first query is held: one issued alongside it (not after awaiting it)
 *   answers without the verdict, so such a caller awaits the verdict first.
 * - Anything `fn` throws rolls the transaction back and is rethrown (after the verdict: the
 *   judge's error wins).
 * - `writeBeforeCommit(tx, write)` sends a write without waiting for its answer; COMMIT follows it
 *   in the same network write. If it fails, PostgreSQL answers that COMMIT with a rollback and the
 *   call rejects with the write's error: nothing of the transaction is kept.
 * - `tx.transaction()` inside `fn` is a SAVEPOINT on the same connection.
 * - Queries run as named prepared statements unless the pool was created with `prepare: false`.
 * - With a `timer`, it records `context` (the opening's answer), `query<n>` (each query, from when
 *   it was issued to when its rows arrived), `audit` (each write before commit) and `commit`.
 *
 * Drizzle internals: the transaction `fn` receives is drizzle's own PostgresJsTransaction, built
 * here on a PostgresJsSession over the reserved connection, from the dialect, schema and options
 * drizzle keeps in `db._.session`. None of that is public API, so `drizzle-orm` is pinned to an
 * exact version in package.json; an upgrade must re-run tests/db/pipeline.test.ts.
 */
export function pipelinedTransaction<R, T>(
  db: Db,
  opening: SQL,
  judge: (rows: Record<string, unknown>[]) => R,
  fn: (tx: Tx, verdict: Promise<R>) => Promise<T>,
  timer?: StageTimer,
): Promise<T> {
  const deadline = { passed: false };
  const work = runPipelined(db, opening, judge, fn, deadline, timer);
  work.catch(() => {}); // after the deadline nobody awaits it; its end only releases the connection
  let timeout: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timeout = setTimeout(() => {
      deadline.passed = true;
      reject(new RequestDeadlineError());
    }, env().DATABASE_REQUEST_DEADLINE_MS);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timeout));
}

/**
 * A request's transaction that outlived DATABASE_REQUEST_DEADLINE_MS: the request answers 503 at
 * once, and if the transaction ever gets that far it rolls back instead of committing. (A COMMIT
 * already sent, e.g. one waiting for a synchronous standby, decides on its own.)
 */
export class RequestDeadlineError extends Error {
  readonly code = "REQUEST_DEADLINE";
  constructor() {
    super("The request's transaction did not finish in time.");
    this.name = "RequestDeadlineError";
  }
}

async function runPipelined<R, T>(
  db: Db,
  opening: SQL,
  judge: (rows: Record<string, unknown>[]) => R,
  fn: (tx: Tx, verdict: Promise<R>) => Promise<T>,
  deadline: { passed: boolean },
  timer?: StageTimer,
): Promise<T> {
  const base = db._.session as unknown as DrizzleSessionInternals;
  const conn = await db.$client.reserve();
  if (deadline.passed) {
    conn.release();
    throw new RequestDeadlineError();
  }
  const prepare = Boolean(db.$client.options.prepare);
  const t0 = performance.now();
  const { sql: text, params } = base.dialect.sqlToQuery(opening);
  const verdict = Promise.all([
    conn.unsafe("begin").execute(),
    conn.unsafe<Record<string, unknown>[]>(text, params as never[], { prepare }).execute(),
  ]).then(([, rows]) => {
    timer?.stage("context", t0);
    return judge(rows);
  });
  verdict.catch(() => {}); // observed below; this only keeps an early failure from counting as unhandled
  const state: PipelineState = { conn, prepare, timer, beforeCommit: [] };
  const client = pipelinedClient(conn, verdict, prepare, timer);
  const session = new PostgresJsSession(client as never, base.dialect, base.schema as never, base.options as never);
  const tx = new PostgresJsTransaction(base.dialect, session, base.schema as never) as unknown as Tx;
  pipelines.set(tx, state);
  try {
    let outcome: { value: T } | { error: unknown };
    try {
      outcome = { value: await fn(tx, verdict) };
    } catch (error) {
      outcome = { error };
    }
    await verdict; // the verdict comes before whatever fn made of its rows
    if ("error" in outcome) throw outcome.error;
    if (deadline.passed) throw new RequestDeadlineError();
    const tc = performance.now();
    await Promise.all([...state.beforeCommit, conn.unsafe("commit").execute()]);
    timer?.stage("commit", tc);
    return outcome.value;
  } catch (err) {
    await conn.unsafe("rollback").catch(() => {});
    throw err;
  } finally {
    conn.release();
  }
}

/**
 * Sends `write` now and lets COMMIT follow it without waiting for its answer (the audit row of a
 * read): one round trip fewer. It is still part of the transaction: if it fails, COMMIT becomes a
 * rollback and the request fails, so no access is answered without its record. Outside a pipelined
 * transaction (tests' own transactions) it is simply awaited.
 */
export async function writeBeforeCommit(tx: Tx, write: { toSQL(): { sql: string; params: unknown[] } }): Promise<void> {
  const state = pipelines.get(tx);
  if (!state) {
    await (write as unknown as PromiseLike<unknown>);
    return;
  }
  // Straight to the connection (not through drizzle's async layers): sent before anything issued
  // later, COMMIT included.
  const { sql: text, params } = write.toSQL();
  const t0 = performance.now();
  const sent = state.conn
    .unsafe(text, params as never[], { prepare: state.prepare })
    .execute()
    .then(() => state.timer?.stage("audit", t0));
  sent.catch(() => {}); // awaited with COMMIT
  state.beforeCommit.push(sent);
}

/** Optional per-stage timings of one request (server/http/server-timing.ts). */
export interface StageTimer {
  stage(name: string, startedAt: number): void;
}

/** What drizzle 0.45 keeps in its postgres-js session: what its own transaction() builds from. */
interface DrizzleSessionInternals {
  dialect: PgDialect;
  schema: unknown;
  options: unknown;
}

interface PipelineState {
  conn: postgres.ReservedSql;
  prepare: boolean;
  timer: StageTimer | undefined;
  /** Writes sent without waiting for their answer; COMMIT follows them in the same network write. */
  beforeCommit: Promise<unknown>[];
}
const pipelines = new WeakMap<object, PipelineState>();

interface HeldQuery {
  values(): HeldQuery;
  then(ok?: (rows: unknown) => unknown, fail?: (err: unknown) => unknown): Promise<unknown>;
}

interface PipelinedClient {
  unsafe(text: string, params?: never[], options?: postgres.UnsafeQueryOptions): HeldQuery;
  savepoint<R>(fn: (c: PipelinedClient) => Promise<R>): Promise<R>;
}

/**
 * The client the request's drizzle transaction talks to: the reserved connection, with the first
 * query held to the verdict, SAVEPOINTs for nested transactions, and per-query timings.
 */
function pipelinedClient(
  conn: postgres.ReservedSql,
  verdict: Promise<unknown>,
  prepare: boolean,
  timer: StageTimer | undefined,
): PipelinedClient {
  let first = true;
  let queries = 0;
  let savepoints = 0;
  const client: PipelinedClient = {
    unsafe(text: string, params?: never[], options?: postgres.UnsafeQueryOptions) {
      // Named statements (unless DATABASE_PREPARE=false, e.g. behind PgBouncer): postgres.js sends an
      // unprepared query with parameters in two round trips (describe, then execute) and PostgreSQL
      // plans it every time; prepared, it is one round trip and a cached plan per connection.
      const query = conn.unsafe(text, params, { ...options, prepare });
      const name = `query${++queries}`;
      const gate = first ? verdict : null;
      first = false;
      const t0 = performance.now();
      // A thenable drizzle awaits (after `.values()`); postgres.js sends the query when it is awaited.
      const held: HeldQuery = {
        values() {
          query.values();
          return held;
        },
        then(ok, fail) {
          const rows = gate === null ? query : Promise.all([gate, query]).then(([, r]) => r);
          return Promise.resolve(rows)
            .then((r) => {
              timer?.stage(name, t0);
              return r;
            })
            .then(ok, fail);
        },
      };
      return held;
    },
    async savepoint<R>(fn: (c: PipelinedClient) => Promise<R>): Promise<R> {
      const name = `sp${++savepoints}`;
      await client.unsafe(`savepoint ${name}`);
      try {
        const result = await fn(client);
        await conn.unsafe(`release savepoint ${name}`);
        return result;
      } catch (err) {
        await conn.unsafe(`rollback to savepoint ${name}`);
        throw err;
      }
    },
  };
  return client;
}
