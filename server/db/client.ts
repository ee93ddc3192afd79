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

const globalForDb = globalThis as unknown as { careRosterDb?: Db; careRosterAuthDb?: Db };

/** The app's one runtime pool (kept on globalThis so dev hot reloads do not open new pools). */
export function getDb(): Db {
  const url = env().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start`, which provides it.");
  globalForDb.careRosterDb ??= createDb(url);
  return globalForDb.careRosterDb;
}

/**
 * The sign-in path's pool (DATABASE_AUTH_URL, the careroster_auth login): reading a password hash,
 * starting a session, SSO sign-in and the jobs. Nothing a request does after sign-in uses it.
 */
export function getAuthDb(): Db {
  const url = env().DATABASE_AUTH_URL;
  if (!url) throw new Error("DATABASE_AUTH_URL is not set: start the app with `npm start`, which provides it.");
  globalForDb.careRosterAuthDb ??= createDb(url, { max: 4, applicationName: "careroster-auth" });
  return globalForDb.careRosterAuthDb;
}

/**
 * Drops the app's pools so the next request opens new ones; the old connections are destroyed at
 * once (their pending queries fail, and their requests answer 503). For a pool postgres.js left in
 * a broken state (server/db/driver-guard.ts).
 */
export function resetPools(): void {
  for (const key of ["careRosterDb", "careRosterAuthDb"] as const) {
    const db = globalForDb[key];
    globalForDb[key] = undefined;
    void db?.$client.end({ timeout: 0 }).catch(() => {});
  }
}
