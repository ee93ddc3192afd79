import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { env } from "@/server/env";
import * as schema from "./schema";

export type Db = ReturnType<typeof createDb>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export interface PoolOptions {
  max?: number;
  /** Named prepared statements; turn off behind PgBouncer in transaction mode. */
  prepare?: boolean;
  /** Shows in pg_stat_activity, to tell pools apart. */
  applicationName?: string;
}

/** A pool on the runtime role. No statement on it ever runs outside withRlsContext(). */
export function createDb(url: string, opts: PoolOptions = {}) {
  const client = postgres(url, {
    max: opts.max ?? env().DATABASE_POOL_MAX,
    prepare: opts.prepare ?? env().DATABASE_PREPARE,
    onnotice: () => {},
    connect_timeout: 5,
    idle_timeout: 30,
    connection: { application_name: opts.applicationName ?? "careroster" },
  });
  return drizzle({ client, schema, casing: "snake_case" });
}

const globalForDb = globalThis as unknown as { careRosterDb?: Db };

/** The app's one runtime pool (kept on globalThis so dev hot reloads do not open new pools). */
export function getDb(): Db {
  const url = env().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start`, which provides it.");
  globalForDb.careRosterDb ??= createDb(url);
  return globalForDb.careRosterDb;
}
