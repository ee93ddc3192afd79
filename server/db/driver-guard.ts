import { resetPools } from "./client";

/**
 * postgres.js 3.4.9 can throw from a setImmediate when a connection is closed under it
 * (porsager/postgres#1154, #1208): "Cannot read properties of null (reading 'write')". By then
 * the query has already been rejected with CONNECTION_CLOSED and its transaction is gone, so the
 * app process must not die with it. Every other uncaught exception still ends the process.
 */
export function isDriverNullSocketError(err: unknown): boolean {
  return (
    err instanceof TypeError &&
    err.message === "Cannot read properties of null (reading 'write')" &&
    /postgres[\\/]src[\\/]connection\.js/.test(err.stack ?? "")
  );
}

let installed = false;

export function guardDriverCrash(): void {
  if (installed) return;
  installed = true;
  process.on("uncaughtException", (err) => {
    if (isDriverNullSocketError(err)) {
      // The connection it came from may never answer again (seen in a failover behind PgBouncer):
      // new pools replace the old ones rather than letting stuck connections fill them.
      resetPools();
      console.warn(
        "careroster: a database connection closed during a write (postgres.js #1208); the pools were reopened.",
      );
      return;
    }
    console.error(err);
    process.exit(1);
  });
}
