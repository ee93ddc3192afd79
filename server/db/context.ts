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
 */
export function withRlsContext<T>(db: Db, ctx: RlsContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('app.user_id', ${ctx.userId}, true), set_config('app.org_id', ${ctx.orgId ?? ""}, true)`,
    );
    return fn(tx);
  });
}
