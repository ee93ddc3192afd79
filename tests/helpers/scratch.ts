import postgres from "postgres";
import { migrate } from "@/server/db/migrate";
import { authUrl, ownerUrl, runtimeUrl } from "./db";

const onDatabase = (url: string, database: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

/**
 * A scratch database's name: one per test database, so suites running side by side on copies of it
 * (the mutation runner's workers) never share one.
 */
export const scratchName = (base: string) => `${base}_${new URL(runtimeUrl()).pathname.slice(1)}`;

/**
 * A fresh database on the test server, created as the superuser and migrated by the app's own
 * migrate(), for tests that must break the schema on purpose. `drop()` removes it.
 */
export async function scratchDatabase(name: string) {
  const server = postgres(onDatabase(ownerUrl(), "postgres"), { max: 1, onnotice: () => {} });
  await server`drop database if exists ${server(name)} with (force)`;
  await server`create database ${server(name)}`;
  const urls = {
    ownerUrl: onDatabase(ownerUrl(), name),
    runtimeUrl: onDatabase(runtimeUrl(), name),
    authUrl: onDatabase(authUrl(), name),
  };
  // The roles are the server's, not the database's: two migrations at once would grant them at once.
  await server`select pg_advisory_lock(hashtext('careroster:scratch'))`;
  try {
    await migrate(urls.ownerUrl, urls.runtimeUrl, urls.authUrl);
  } finally {
    await server`select pg_advisory_unlock(hashtext('careroster:scratch'))`;
  }
  const sql = postgres(urls.ownerUrl, { max: 1, onnotice: () => {} });
  return {
    ...urls,
    /** The superuser on the scratch database. */
    sql,
    async drop() {
      await sql.end();
      await server`drop database if exists ${server(name)} with (force)`;
      await server.end();
    },
  };
}
