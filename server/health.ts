import { sql } from "drizzle-orm";
import { getDb } from "./db/client";

/** Database reachable through the runtime pool. Touches no table, so it needs no request context. */
export async function checkHealth(): Promise<boolean> {
  try {
    await getDb().execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}
