import { is, sql, TransactionRollbackError } from "drizzle-orm";
import { PostgresJsSession, PostgresJsTransaction } from "drizzle-orm/postgres-js/session";
import type { PgDialect } from "drizzle-orm/pg-core";
import type postgres from "postgres";
import type { Db, Tx } from "./client";

/**
 * Who a transaction acts as. The database sets the identity itself, through one of its door
 * functions (drizzle/0019_verified_identity.sql); a setting written by hand reads as no one.
 * - `session`: every request — a live session and the secret its cookie carries; the user and the
 *   practice are the session's own, as the database has them.
 * - `sign_in`: the second-factor check during sign-in (the careroster_auth pool only).
 * - `job`: a practice's scheduled job, as its earliest active admin (the careroster_auth pool only).
 * - `none`: before sign-in (invitation and reset links): every policy answers "nothing".
 */
export type RlsContext =
  | { kind: "session"; sessionId: string; secret: string }
  | { kind: "sign_in"; userId: string }
  | { kind: "job"; orgId: string }
  | { kind: "none" };

/** Thrown inside the transaction when the session has ended, is unknown or its secret is wrong. */
export class SessionEndedError extends Error {
  constructor() {
    super("The session has ended.");
  }
}

/** What the context statement answers besides setting the identity (server-side checks read these). */
export interface ContextFacts {
  /** The session is live (or none was asked about); false leaves the identity empty. */
  live: boolean;
  /** The identity the database set (null: none). */
  userId: string | null;
  /** The practice the identity is in, while the membership is active (null: none). */
  orgId: string | null;
  /** An active admin of the org: the session role the database chose. */
  admin: boolean;
  /** Held at two-factor enrollment by the practice's policy (app_mfa_enrollment_required). */
  mfaRequired: boolean;
}

/** A condition on the context's answer that the request must meet before it sees a row; throws when not. */
export type ContextCheck = (facts: ContextFacts) => void;

// The session role follows the membership the database found: careroster_admin selects the admin
// policies, careroster_clinician the others. The door runs first (a FROM item, or `offset 0`).
const sessionRole = sql`set_config('role', case when f.admin then 'careroster_admin' else 'careroster_clinician' end, true)`;

/** The one statement that sets a transaction's identity and answers its facts. */
export function contextStatement(ctx: RlsContext) {
  switch (ctx.kind) {
    case "session":
      return sql`select ${sessionRole} as role, f.live, f.user_id, f.org_id, f.admin, f.mfa_required
                 from app_context_enter(${ctx.sessionId}::uuid, ${ctx.secret}) f`;
    case "sign_in":
      // No role switch: the careroster_auth login keeps its own EXECUTE rights for the next steps.
      return sql`select app_context_sign_in(${ctx.userId}::uuid)::text as role, true as live,
                        ${ctx.userId}::uuid as user_id, null::uuid as org_id, false as admin, false as mfa_required`;
    case "job":
      return sql`select set_config('role', 'careroster_admin', true) as role, f.actor is not null as live,
                        f.actor as user_id, ${ctx.orgId}::uuid as org_id, true as admin, false as mfa_required
                 from (select app_context_job(${ctx.orgId}::uuid) as actor offset 0) f`;
    case "none":
      return sql`select set_config('role', 'careroster_clinician', true) as role, true as live,
                        null::uuid as user_id, null::uuid as org_id, false as admin, false as mfa_required`;
  }
}

type FactsRow = { live: boolean; user_id: string | null; org_id: string | null; admin: boolean; mfa_required: boolean };
const toFacts = (row: FactsRow | undefined): ContextFacts => ({
  live: row?.live === true,
  userId: row?.user_id ?? null,
  orgId: row?.org_id ?? null,
  admin: row?.admin === true,
  mfaRequired: row?.mfa_required === true,
});

/** The request's checks on the context's answer; procedures add theirs before their first query. */
export interface ContextGuard {
  /** Adds a condition; throws at once when the answer is already in. */
  require(check: ContextCheck): void;
  /** Resolves once the answer is in and every condition holds (rejects with the first that fails). */
  ready(): Promise<ContextFacts>;
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

/**
 * The one way to the data: a transaction whose first statement sets the request's identity. The
 * policies read it; when the transaction ends the values end with it, so the pooled connection
 * carries nothing on. Whatever `fn` throws rolls the whole transaction back.
 *
 * Pipelined: BEGIN, the context statement and `fn`'s first query leave together on the
 * reserved connection (postgres.js sends queries issued without awaiting in one write), so the
 * context costs no round trip of its own. The first query's rows reach `fn` only after the
 * context's answer is in and every check holds: a session that is not live throws
 * SessionEndedError (its statement ran with an empty identity, so it saw nothing), a failed check
 * throws its own error, and either rolls back whatever that first statement did. A caller that
 * must know the answer before doing anything at all (a mutation, whose side effects may reach past
 * the database) awaits `guard.ready()` first.
 */
export async function withRlsContext<T>(
  db: Db,
  ctx: RlsContext,
  fn: (tx: Tx, guard: ContextGuard) => Promise<T>,
  timer?: StageTimer,
): Promise<T> {
  const base = db._.session as unknown as DrizzleSessionInternals;
  const conn = await db.$client.reserve();
  const prepare = Boolean(db.$client.options.prepare);
  const t0 = performance.now();
  const checks: ContextCheck[] = [
    (facts) => {
      if (!facts.live) throw new SessionEndedError();
    },
  ];
  let facts: ContextFacts | undefined;
  const { sql: text, params } = base.dialect.sqlToQuery(contextStatement(ctx));
  const answer = Promise.all([
    conn.unsafe("begin").execute(),
    conn.unsafe<FactsRow[]>(text, params as never[], { prepare }).execute(),
  ]).then(([, rows]) => {
    timer?.stage("context", t0);
    facts = toFacts(rows[0]);
    for (const check of checks) check(facts);
    return facts;
  });
  answer.catch(() => {}); // observed below; this only keeps an early failure from counting as unhandled
  const guard: ContextGuard = {
    require(check) {
      checks.push(check);
      if (facts) check(facts);
    },
    ready: () => answer,
  };
  const state: PipelineState = { conn, prepare, timer, beforeCommit: [] };
  const client = pipelinedClient(conn, answer, prepare, timer);
  const session = new PostgresJsSession(client as never, base.dialect, base.schema as never, base.options as never);
  const tx = new PostgresJsTransaction(base.dialect, session, base.schema as never) as unknown as Tx;
  pipelines.set(tx, state);
  try {
    let outcome: { value: T } | { error: unknown };
    try {
      outcome = { value: await fn(tx, guard) };
    } catch (error) {
      outcome = { error };
    }
    await answer; // the context's verdict comes before whatever fn made of its rows
    if ("error" in outcome) throw outcome.error;
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
 * query held to the context's answer, SAVEPOINTs for nested transactions, and per-query timings.
 */
function pipelinedClient(
  conn: postgres.ReservedSql,
  answer: Promise<ContextFacts>,
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
      const gate = first ? answer : null;
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

/**
 * A transaction with no identity (before sign-in): every policy answers "nothing", so only the narrow
 * SECURITY DEFINER functions the caller names can answer.
 */
export function withoutIdentity<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withRlsContext(db, { kind: "none" }, fn);
}

/** Sets `ctx` in the current transaction exactly as withRlsContext does, and answers its facts. */
export async function enterContext(tx: Tx, ctx: RlsContext): Promise<ContextFacts> {
  const facts = toFacts((await tx.execute<FactsRow>(contextStatement(ctx)))[0]);
  if (!facts.live) throw new SessionEndedError();
  return facts;
}

/**
 * An admin looks as a member of their practice (app_context_assume): the identity becomes the
 * member's and the transaction READ ONLY; notes stay hidden. Use inside rolledBack(), which restores
 * the admin's own identity and read-write mode when it rolls back.
 */
export async function assumeMember(tx: Tx, userId: string): Promise<void> {
  await tx.execute(sql`select ${sessionRole} as role from app_context_assume(${userId}::uuid) f`);
}

/**
 * "What would the policies say?" without changing anything: runs `fn` in a transaction of `db`
 * (a SAVEPOINT when `db` is the request's transaction) and always rolls it back. `set_config(…,
 * true)` changes made inside (another member's context, a session role) are undone with it, like
 * the rows written, so the request continues as its own caller. Used by the coverage preview, the
 * access explainer and the tests.
 */
export async function rolledBack<T>(db: Db | Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const result: { value?: T } = {};
  try {
    await db.transaction(async (tx) => {
      result.value = await fn(tx);
      tx.rollback();
    });
  } catch (err) {
    // By entity kind, not instanceof: a bundle may hold two copies of drizzle-orm's classes.
    if (!is(err, TransactionRollbackError)) throw err;
  }
  return result.value as T;
}
