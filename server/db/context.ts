import { sql } from "drizzle-orm";
import type { Db, Tx } from "./client";

export interface RlsContext {
  userId: string;
  orgId: string | null;
}

/**
 * The one way to the data: a transaction whose first statement sets the request's identity,
 * transaction-local (`true`), in a single round trip. The policies read it; when the
 * transaction ends the values end with it, so the pooled connection carries nothing on.
 * Whatever `fn` throws rolls the whole transaction back.
 *
 * The same statement switches to the session role the database picks from the membership
 * (careroster_admin for an active admin of the org, careroster_clinician otherwise): the inner
 * select sets the identity first (`offset 0` keeps it from being merged), then app_is_admin() reads it.
 */
export function withRlsContext<T>(db: Db, ctx: RlsContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`
      select set_config('role', case when app_is_admin() then 'careroster_admin' else 'careroster_clinician' end, true)
      from (select set_config('app.user_id', ${ctx.userId}, true), set_config('app.org_id', ${ctx.orgId ?? ""}, true) offset 0) identity`);
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
