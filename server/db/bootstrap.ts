import path from "node:path";
import postgres from "postgres";
import { ensureMfaKey } from "@/server/auth/mfa-key";
import { env } from "@/server/env";
import { keptSecret } from "@/server/kept-secret";
import { checkRuntimeRole, ConfigError, parseDatabaseUrl } from "./config";
import { startCluster } from "./embedded";
import { migrate } from "./migrate";
import { seedDemo } from "./seed/demo";

export interface PreparedDatabase {
  runtimeUrl: string;
  /** The sign-in path's login (DATABASE_AUTH_URL). */
  authUrl: string;
  ownerUrl: string;
  seeded: boolean;
  stop(): Promise<void>;
}

const withDatabase = (url: string, database: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

async function createDatabase(ownerUrl: string, name: string, recreate: boolean) {
  const admin = postgres(withDatabase(ownerUrl, "postgres"), { max: 1, onnotice: () => {} });
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
    if (exists && recreate) await admin`drop database ${admin(name)} with (force)`;
    if (!exists || recreate) await admin`create database ${admin(name)}`;
  } finally {
    await admin.end();
  }
}

async function ping(url: string) {
  const client = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await client`select 1`;
  } finally {
    await client.end({ timeout: 1 });
  }
}

/** The sign-in login beside an external runtime login: same server and database, its own name and password. */
async function signInLoginUrl(runtimeUrl: string): Promise<string> {
  const password = await keptSecret(path.resolve(env().CAREROSTER_DATA_DIR ?? ".data"), "db-signin-password", 24);
  const u = new URL(runtimeUrl);
  u.username = `${decodeURIComponent(u.username)}_signin`;
  u.password = password;
  return u.toString();
}

/** The generated sign-in login's password, as the file under the data directory has it. */
async function syncPassword(ownerUrl: string, authUrl: string) {
  const { user, password } = parseDatabaseUrl(authUrl, "DATABASE_AUTH_URL");
  const owner = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  try {
    const [{ stmt }] = await owner<
      { stmt: string }[]
    >`select format('alter role %I password %L', ${user}::text, ${password}::text) as stmt`;
    await owner.unsafe(stmt);
  } finally {
    await owner.end();
  }
}

/**
 * Brings a database to the point where the app can serve it: the embedded PostgreSQL under
 * `.data/` unless DATABASE_URL names another server, migrated, the runtime role checked, and
 * the demo practice seeded if it is empty.
 *
 * `database` + `recreate` serve the test suite: a fresh, separately named database per run.
 */
export async function prepareDatabase(opts: { database?: string; recreate?: boolean; dataDir?: string } = {}) {
  const recreate = opts.recreate ?? false;
  let ownerUrl = env().DATABASE_OWNER_URL;
  let runtimeUrl = env().DATABASE_URL;
  let authUrl = env().DATABASE_AUTH_URL;
  let stop = async () => {};
  const ownDatabase = !runtimeUrl || Boolean(opts.database);

  let derivedAuth = false;
  if (runtimeUrl) {
    parseDatabaseUrl(runtimeUrl, "DATABASE_URL");
    if (!authUrl && !ownerUrl)
      throw new ConfigError(
        "DATABASE_AUTH_URL must name the sign-in path's own login beside DATABASE_URL (see docs/configuration.md).",
      );
    // With the owner's connection the sign-in login can be made here: `<runtime login>_signin`, with a
    // password generated once under the data directory (set DATABASE_AUTH_URL for several instances).
    if (!authUrl) {
      authUrl = await signInLoginUrl(runtimeUrl);
      derivedAuth = true;
    }
    parseDatabaseUrl(authUrl, "DATABASE_AUTH_URL");
    if (ownerUrl) parseDatabaseUrl(ownerUrl, "DATABASE_OWNER_URL");
    if (opts.database) {
      if (!ownerUrl)
        throw new ConfigError("The test suite needs DATABASE_OWNER_URL beside DATABASE_URL to create its database.");
      runtimeUrl = withDatabase(runtimeUrl, opts.database);
      authUrl = withDatabase(authUrl, opts.database);
      ownerUrl = withDatabase(ownerUrl, opts.database);
    }
  } else {
    const dir = opts.dataDir ?? path.join(process.cwd(), ".data", "pg");
    const cluster = await startCluster(dir, { persistent: true }).catch((err) => {
      throw new ConfigError(
        `The embedded PostgreSQL under ${dir} did not start (${(err as Error)?.message ?? "it exited early"}); is another copy running?`,
      );
    });
    stop = cluster.stop;
    const database = opts.database ?? "careroster";
    ownerUrl = cluster.ownerUrl(database);
    runtimeUrl = cluster.runtimeUrl(database);
    authUrl = cluster.authUrl(database);
  }
  const signInUrl = authUrl!;

  try {
    let seeded = false;
    if (ownerUrl) {
      const owner = ownerUrl;
      await (
        ownDatabase
          ? createDatabase(owner, parseDatabaseUrl(owner, "DATABASE_OWNER_URL").database, recreate)
          : ping(owner)
      ).catch((err) => {
        const { host, user } = parseDatabaseUrl(owner, "DATABASE_OWNER_URL");
        throw new ConfigError(
          `Cannot reach the database server at ${host} as "${user}" (DATABASE_OWNER_URL): ${(err as Error).message}.`,
        );
      });
      await migrate(ownerUrl, runtimeUrl, signInUrl);
      if (derivedAuth) await syncPassword(ownerUrl, signInUrl);
      // The large benchmark dataset replaces the demo practice in its own database.
      if (!env().CAREROSTER_SKIP_DEMO) {
        // The seed stores the demo TOTP secrets encrypted: with the key `npm start` uses (or is given).
        await ensureMfaKey(path.resolve(env().CAREROSTER_DATA_DIR ?? ".data"));
        seeded = await seedDemo(ownerUrl);
      }
    }
    await checkRuntimeRole(runtimeUrl);
    await checkRuntimeRole(signInUrl, "DATABASE_AUTH_URL");
    return { runtimeUrl, authUrl: signInUrl, ownerUrl: ownerUrl ?? "", seeded, stop } satisfies PreparedDatabase;
  } catch (err) {
    await stop();
    throw err;
  }
}
