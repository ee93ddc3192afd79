import path from "node:path";
import postgres from "postgres";
import { checkRuntimeRole, ConfigError, parseDatabaseUrl } from "./config";
import { startCluster } from "./embedded";
import { migrate } from "./migrate";
import { seedDemo } from "./seed/demo";

export interface PreparedDatabase {
  runtimeUrl: string;
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

/**
 * Brings a database to the point where the app can serve it: the embedded PostgreSQL under
 * `.data/` unless DATABASE_URL names another server, migrated, the runtime role checked, and
 * the demo practice seeded if it is empty.
 *
 * `database` + `recreate` serve the test suite: a fresh, separately named database per run.
 */
export async function prepareDatabase(opts: { database?: string; recreate?: boolean; dataDir?: string } = {}) {
  const recreate = opts.recreate ?? false;
  let ownerUrl = process.env.DATABASE_OWNER_URL;
  let runtimeUrl = process.env.DATABASE_URL;
  let stop = async () => {};
  const ownDatabase = !runtimeUrl || Boolean(opts.database);

  if (runtimeUrl) {
    parseDatabaseUrl(runtimeUrl, "DATABASE_URL");
    if (ownerUrl) parseDatabaseUrl(ownerUrl, "DATABASE_OWNER_URL");
    if (opts.database) {
      if (!ownerUrl) throw new ConfigError("The test suite needs DATABASE_OWNER_URL beside DATABASE_URL to create its database.");
      runtimeUrl = withDatabase(runtimeUrl, opts.database);
      ownerUrl = withDatabase(ownerUrl, opts.database);
    }
  } else {
    const cluster = await startCluster(opts.dataDir ?? path.join(process.cwd(), ".data", "pg"), { persistent: true });
    stop = cluster.stop;
    const database = opts.database ?? "careroster";
    ownerUrl = cluster.ownerUrl(database);
    runtimeUrl = cluster.runtimeUrl(database);
  }

  try {
    let seeded = false;
    if (ownerUrl) {
      await createDatabase(ownerUrl, parseDatabaseUrl(ownerUrl, "DATABASE_OWNER_URL").database, recreate).catch((err) => {
        throw new ConfigError(`Cannot reach the database server as the owner: ${(err as Error).message}.`);
      });
      await migrate(ownerUrl, runtimeUrl);
      seeded = await seedDemo(ownerUrl);
    }
    await checkRuntimeRole(runtimeUrl);
    return { runtimeUrl, ownerUrl: ownerUrl ?? "", seeded, stop } satisfies PreparedDatabase;
  } catch (err) {
    await stop();
    throw err;
  }
}
