export interface PgError {
  code: string;
  message: string;
}

/** The PostgreSQL error under drizzle's wrapper (whose own message repeats the SQL and its parameters). */
export function findPgError(err: unknown): PgError | undefined {
  for (let e = err as { cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return e as unknown as PgError;
  }
  return undefined;
}

/** PostgreSQL codes that say the server is going away or not taking this session: retry elsewhere, shortly. */
const UNAVAILABLE_SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300"]);
/** postgres.js's own connection failures and the socket errors beneath them. */
const CONNECTION_FAILURES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  // RequestDeadlineError (server/db/pipeline.ts): the transaction outlived its deadline.
  "REQUEST_DEADLINE",
]);

/** Seconds a client should wait before retrying after an outage (the Retry-After header). */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Whether an error means the database is away (`unavailable`: a failover, a restart, a killed
 * connection) or takes no writes (`read-only`: a standby, or a leader Patroni demoted), as opposed
 * to a refusal of this request. Either way the request's transaction did not commit here.
 */
export function databaseOutage(err: unknown): "unavailable" | "read-only" | null {
  for (let e = err as { cause?: unknown } | undefined, depth = 0; e && depth < 6; e = e.cause as typeof e, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== "string") continue;
    if (code === "25006") return "read-only"; // read_only_sql_transaction
    // Class 08: connection exceptions (also what PgBouncer answers when its server is gone).
    if (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith("08") || CONNECTION_FAILURES.has(code)) return "unavailable";
  }
  return null;
}
