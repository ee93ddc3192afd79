import { sql } from "drizzle-orm";
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
 * The one way to the data: a transaction whose first statement sets the request's identity,
 * transaction-local (`true`), in a single round trip. The policies read it; when the
 * transaction ends the values end with it, so the pooled connection carries nothing on.
 * Whatever `fn` throws rolls the whole transaction back.
 *
 * The same statement
 * - checks the session against the sessions table (app_session_live(), SECURITY DEFINER because no
 *   context exists yet; it also bumps last_seen_at at most once a minute): a revoked, unknown or
 *   other user's session sets an EMPTY identity, so nothing is readable, and `fn` never runs;
 * - switches to the session role the database picks from the membership (careroster_admin for an
 *   active admin of the org, careroster_clinician otherwise). The inner selects run first
 *   (`offset 0` keeps them from being merged), then app_is_admin() reads the identity they set.
 */
export function withRlsContext<T>(db: Db, ctx: RlsContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    const check = ctx.sessionId === undefined ? sql`true` : sql`app_session_live(${ctx.sessionId}::uuid, ${ctx.userId}::uuid)`;
    const [row] = await tx.execute<{ live: boolean }>(sql`
      select set_config('role', case when app_is_admin() then 'careroster_admin' else 'careroster_clinician' end, true) as role,
             identity.live
      from (select set_config('app.user_id', case when session.live then ${ctx.userId} else '' end, true) as user_id,
                   set_config('app.org_id', case when session.live then ${ctx.orgId ?? ""} else '' end, true) as org_id,
                   session.live
            from (select ${check} as live offset 0) session
            offset 0) identity`);
    if (!row?.live) throw new SessionEndedError();
    return fn(tx);
  });
}

const contextStatement = (ctx: RlsContext) => sql`
  select set_config('role', case when app_is_admin() then 'careroster_admin' else 'careroster_clinician' end, true)
  from (select set_config('app.user_id', ${ctx.userId}, true), set_config('app.org_id', ${ctx.orgId ?? ""}, true) offset 0) identity`;

/** Switches the current transaction to `ctx` exactly as withRlsContext sets it (identity, then session role). */
export async function switchContext(tx: Tx, ctx: RlsContext): Promise<void> {
  await tx.execute(contextStatement(ctx));
}

class SavepointRollback extends Error {}

/**
 * "What would the policies say?" without changing anything: runs `fn` inside a SAVEPOINT of the
 * request's transaction and always rolls back to it. `set_config(…, true)` changes made inside
 * (another member's context, a session role) are undone with the savepoint, like the rows written,
 * so the request continues as its own caller. Used by the coverage preview and the access explainer.
 */
export async function rolledBack<T>(tx: Tx, fn: (sp: Tx) => Promise<T>): Promise<T> {
  let out!: T;
  try {
    await tx.transaction(async (sp) => {
      out = await fn(sp);
      throw new SavepointRollback();
    });
  } catch (err) {
    if (!(err instanceof SavepointRollback)) throw err;
  }
  return out;
}
