import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import postgres from "postgres";
import { needsBuild } from "@/scripts/build-state";
import {
  appHealthy,
  clusterState,
  daemonPid,
  postgresDir,
  postgresFile,
  secrets,
  startDaemon,
  step,
  stopDaemon,
  urls,
  waitFor,
  type Secrets,
} from "./cluster";
import { etcdArgs, haproxyConfig, patroniConfig, PGBOUNCER_DIR, pgbouncerConfig } from "./configs";
import {
  APP_URL,
  appInstanceUrl,
  DATABASE,
  DIRS,
  HOST,
  MEMBERS,
  memberConfig,
  memberDir,
  PORTS,
  appDataDir,
} from "./topology";

const PACKAGES: [binary: string, pkg: string][] = [
  ["/usr/bin/patroni", "patroni"],
  ["/usr/bin/etcd", "etcd-server"],
  ["/usr/bin/etcdctl", "etcd-client"],
  ["/usr/sbin/haproxy", "haproxy"],
  ["/usr/lib/postgresql/15/bin/postgres", "postgresql-15"],
  ["/usr/sbin/pgbouncer", "pgbouncer"],
];

/** Installs from Debian what is missing (as `.ci/run` does for its own packages). */
export function installPackages() {
  const missing = PACKAGES.filter(([bin]) => !existsSync(bin)).map(([, pkg]) => pkg);
  if (missing.length === 0) return step("Debian packages present (patroni, etcd, haproxy, postgresql-15, pgbouncer)");
  step(`installing Debian packages: ${missing.join(" ")}`);
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", "-qq", ...missing], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, HOST);
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });

async function startEtcd() {
  if (daemonPid("etcd")) return step(`etcd already running on ${HOST}:${PORTS.etcdClient}`);
  step(`starting etcd on ${HOST}:${PORTS.etcdClient}`);
  mkdirSync(DIRS.etcd, { recursive: true, mode: 0o700 });
  startDaemon("etcd", "etcd", etcdArgs());
  await waitFor("etcd", async () => (await fetch(`http://${HOST}:${PORTS.etcdClient}/health`)).ok, 30_000);
}

async function startMembers(s: Secrets) {
  postgresDir(DIRS.members);
  postgresDir(DIRS.archive);
  for (let i = 0; i < MEMBERS.length; i++) {
    const m = MEMBERS[i];
    if (daemonPid(`patroni-${m.name}`)) {
      step(`Patroni ${m.name} already running`);
      continue;
    }
    const fresh = !existsSync(path.join(memberDir(m.name), "data"));
    step(`starting Patroni ${m.name} (PostgreSQL on ${m.pgPort}, REST on ${m.restPort})`);
    postgresDir(memberDir(m.name));
    postgresFile(memberConfig(m.name), JSON.stringify(patroniConfig(i, s), null, 2));
    startDaemon(`patroni-${m.name}`, "patroni", [memberConfig(m.name)], {
      asPostgres: true,
      env: { ...process.env, HOME: memberDir(m.name) },
    });
    // A new cluster's first member bootstraps (initdb) alone; the others clone it with pg_basebackup.
    // A restarted cluster elects whichever member may lead (the synchronous standby, in sync mode).
    if (i === 0 && fresh) {
      step("waiting for the first member to bootstrap and lead");
      await waitFor("a leader", async () => (await clusterState()).some((x) => x.role === "leader"), 120_000);
    }
  }
  await waitFor("a leader", async () => (await clusterState()).some((x) => x.role === "leader"), 120_000);
  step("waiting for both replicas to stream, one of them synchronous");
  await waitFor(
    "two streaming replicas",
    async () => {
      const members = await clusterState();
      const replicas = members.filter((x) => x.role !== "leader" && ["running", "streaming"].includes(x.state));
      return replicas.length === 2 && members.some((x) => x.role === "sync_standby");
    },
    180_000,
    1000,
  );
}

async function startHaproxy() {
  if (daemonPid("haproxy")) return step("HAProxy already running");
  step(
    `starting HAProxy (writes ${PORTS.haproxyWrite}, reads ${PORTS.haproxyRead}, app ${PORTS.haproxyApp}, stats ${PORTS.haproxyStats})`,
  );
  const cfg = path.join(DIRS.run, "haproxy.cfg");
  writeFileSync(cfg, haproxyConfig());
  execFileSync("haproxy", ["-c", "-q", "-f", cfg], { stdio: "inherit" });
  startDaemon("haproxy", "haproxy", ["-db", "-f", cfg]);
  await waitFor("HAProxy", () => portOpen(PORTS.haproxyWrite), 15_000);
}

async function startPgbouncer(s: Secrets) {
  if (daemonPid("pgbouncer")) return step("PgBouncer already running");
  step(`starting PgBouncer (transaction mode) on ${PORTS.pgbouncer} in front of the write port`);
  postgresDir(PGBOUNCER_DIR);
  const cfg = pgbouncerConfig();
  postgresFile(path.join(PGBOUNCER_DIR, "pgbouncer.ini"), cfg.ini);
  postgresFile(path.join(PGBOUNCER_DIR, "userlist.txt"), cfg.userlist(s));
  postgresDir(DIRS.logs, 0o777);
  startDaemon("pgbouncer", "/usr/sbin/pgbouncer", [path.join(PGBOUNCER_DIR, "pgbouncer.ini")], { asPostgres: true });
  await waitFor("PgBouncer", () => portOpen(PORTS.pgbouncer), 15_000);
}

/** The app's environment: both instances get the same secrets and the same URLs (through PgBouncer). */
export function appEnv(s: Secrets, port: number): NodeJS.ProcessEnv {
  const u = urls(s);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    DATABASE_URL: u.runtime,
    DATABASE_AUTH_URL: u.auth,
    DATABASE_PREPARE: "false",
    NEXTAUTH_SECRET: s.nextauth,
    MFA_ENCRYPTION_KEY: s.mfaKey,
    NEXTAUTH_URL: APP_URL,
    TRUST_PROXY: "1",
    CAREROSTER_DATA_DIR: appDataDir(port),
  };
  delete env.DATABASE_OWNER_URL;
  return env;
}

async function migrateAndSeed(s: Secrets) {
  const u = urls(s);
  const admin = postgres(u.ownerOn(PORTS.haproxyWrite, "postgres"), { max: 1, onnotice: () => {} });
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${DATABASE}`;
    if (!exists) await admin`create database ${admin(DATABASE)}`;
  } finally {
    await admin.end();
  }
  step("running migrations and the demo seed once, against the leader");
  // Straight to the leader (not PgBouncer): the migrator holds a session-level advisory lock.
  const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/migrate.ts"], {
    stdio: "inherit",
    env: {
      ...appEnv(s, PORTS.app[0]),
      NODE_ENV: "development",
      DATABASE_OWNER_URL: u.owner,
      DATABASE_URL: u.runtimeOn(PORTS.haproxyWrite),
      DATABASE_AUTH_URL: u.authOn(PORTS.haproxyWrite),
      DATABASE_PREPARE: "true",
    },
  });
  if (run.status !== 0) throw new Error("migrations failed (see above)");
}

async function build() {
  if (!needsBuild()) return step("production build is current");
  // Instances serving the previous build are replaced by ones serving this build.
  for (let i = 0; i < PORTS.app.length; i++)
    if (await stopDaemon(`app${i}`, 10_000)) step(`stopped app instance ${i} (outdated build)`);
  step("building the app (next build)");
  const run = spawnSync("npx", ["next", "build"], {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (run.status !== 0) throw new Error("next build failed (see above)");
}

/** Starts app instance `i` (scripts/serve.ts, production) unless it runs; resolves when it answers. */
export async function startApp(s: Secrets, i: number) {
  const port = PORTS.app[i];
  if (!daemonPid(`app${i}`)) {
    step(`starting app instance ${i} on ${port}`);
    mkdirSync(appDataDir(port), { recursive: true });
    startDaemon(`app${i}`, process.execPath, ["--import", "tsx", "scripts/serve.ts"], { env: appEnv(s, port) });
  } else step(`app instance ${i} already running`);
  await waitFor(`app instance ${i}`, () => appHealthy(appInstanceUrl(i)), 120_000, 1000);
}

/** `npm run ha:up`: each step checks what already runs, so running it twice is harmless. */
export async function up() {
  installPackages();
  mkdirSync(DIRS.run, { recursive: true });
  const s = await secrets();
  await startEtcd();
  await startMembers(s);
  await startHaproxy();
  await startPgbouncer(s);
  await migrateAndSeed(s);
  await build();
  for (let i = 0; i < PORTS.app.length; i++) await startApp(s, i);
  await waitFor("the app through HAProxy", () => appHealthy(), 30_000);
  const members = await clusterState();
  step(`cluster: ${members.map((m) => `${m.name} ${m.role} (${m.state})`).join(", ")}`);
  step(`app: ${APP_URL} (instances ${PORTS.app.join(", ")}); HAProxy stats: http://${HOST}:${PORTS.haproxyStats}/`);
}
