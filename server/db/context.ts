import { is, sql, TransactionRollbackError } from "drizzle-orm";
import type { Db, Tx } from "./client";

export interface RlsContext {
  userId: string;
  orgId: string | null;
  /**
   * The request's server-side session (the JWT's `sid`). Every request from a browser carries one
   * (server/trpc/init.ts); only server-side code that acts without a browser — sign-in itself, the
   * reminders job, tests of the policies — leaves it out.
   */
  sessionId?: string;
}

/** Thrown inside the transaction when the session has ended, is unknown or belongs to someone else. */
export class SessionEndedError extends Error {
  constructor() {
    super("The session has ended.");
  }
}

/**
 * Sets the identity, transaction-local (`true`), in a single statement, and answers whether the
 * session is live. The same statement
 * - checks the session against the sessions table (app_session_live(), SECURITY DEFINER because no
 *   context exists yet; it also bumps last_seen_at at most once a minute): a revoked, unknown or
 *   other user's session sets an EMPTY identity, so nothing is readable;
 * - switches to the session role the database picks from the membership (careroster_admin for an
 *   active admin of the org, careroster_clinician otherwise). The inner selects run first
 *   (`offset 0` keeps them from being merged), then app_is_admin() reads the identity they set.
 */
async function setContext(tx: Tx, ctx: RlsContext): Promise<boolean> {
  const check =
    ctx.sessionId === undefined ? sql`true` : sql`app_session_live(${ctx.sessionId}::uuid, ${ctx.userId}::uuid)`;
  const [row] = await tx.execute<{ live: boolean }>(sql`
    select set_config('role', case when app_is_admin() then 'careroster_admin' else 'careroster_clinician' end, true) as role,
           identity.live
    from (select set_config('app.user_id', case when session.live then ${ctx.userId} else '' end, true) as user_id,
                 set_config('app.org_id', case when session.live then ${ctx.orgId ?? ""} else '' end, true) as org_id,
                 session.live
          from (select ${check} as live offset 0) session
          offset 0) identity`);
  return row?.live === true;
}

/**
 * The one way to the data: a transaction whose first statement sets the request's identity. The
 * policies read it; when the transaction ends the values end with it, so the pooled connection
 * carries nothing on. Whatever `fn` throws rolls the whole transaction back; a session that is not
 * live throws SessionEndedError before `fn` runs.
 */
export function withRlsContext<T>(db: Db, ctx: RlsContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    if (!(await setContext(tx, ctx))) throw new SessionEndedError();
    return fn(tx);
  });
}

/**
 * A transaction with no identity (before sign-in): every policy answers "nothing", so only the narrow
 * SECURITY DEFINER functions the caller names can answer.
 */
export function withoutIdentity<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withRlsContext(db, { userId: "", orgId: null }, fn);
}

/** Switches the current transaction to `ctx` exactly as withRlsContext sets it (identity, then session role). */
export async function switchContext(tx: Tx, ctx: RlsContext): Promise<void> {
  await setContext(tx, { userId: ctx.userId, orgId: ctx.orgId });
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
