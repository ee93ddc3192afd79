import { execFileSync, spawn } from "node:child_process";
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { keptSecret } from "@/server/kept-secret";
import { APP_URL, DATABASE, DIRS, HOST, LOGINS, MEMBERS, PATRONICTL_CONFIG, PORTS, restUrl } from "./topology";

/** Prints one step of `ha:up`/`ha:down` (and the fault tests' set-up). */
export const step = (message: string) => console.log(`[ha] ${message}`);

const postgresUser = () => ({
  uid: Number(execFileSync("id", ["-u", "postgres"]).toString().trim()),
  gid: Number(execFileSync("id", ["-g", "postgres"]).toString().trim()),
});

/** Patroni, pg_ctl and PgBouncer refuse to run as root: as root, they run as the postgres OS user. */
export const asPostgres = (): { uid?: number; gid?: number } => (process.getuid?.() === 0 ? postgresUser() : {});

/** A directory the postgres OS user owns (and may write). */
export function postgresDir(dir: string, mode = 0o700) {
  mkdirSync(dir, { recursive: true, mode });
  const ids = asPostgres();
  if (ids.uid !== undefined) chownSync(dir, ids.uid, ids.gid!);
}

/** A file only the postgres OS user may read (it holds passwords). */
export function postgresFile(file: string, text: string) {
  writeFileSync(file, text, { mode: 0o600 });
  const ids = asPostgres();
  if (ids.uid !== undefined) chownSync(file, ids.uid, ids.gid!);
}

export interface Secrets {
  superuser: string;
  replication: string;
  runtime: string;
  auth: string;
  nextauth: string;
  mfaKey: string;
}

/** Passwords and keys, generated once under the topology's directory; the two app instances share them. */
export async function secrets(): Promise<Secrets> {
  const kept = (name: string) => keptSecret(DIRS.secrets, name, 24);
  return {
    superuser: await kept("superuser"),
    replication: await kept("replication"),
    runtime: await kept("runtime"),
    auth: await kept("auth"),
    nextauth: await keptSecret(DIRS.secrets, "nextauth", 32),
    // MFA_ENCRYPTION_KEY: 32 bytes as base64url (server/env.ts).
    mfaKey: await keptSecret(DIRS.secrets, "mfa-key", 32),
  };
}

const pgUrl = (user: string, password: string, port: number, database = DATABASE) =>
  `postgres://${user}:${encodeURIComponent(password)}@${HOST}:${port}/${database}`;

/** The connection strings: the owner straight to a port, the app's logins through PgBouncer. */
export function urls(s: Secrets) {
  return {
    /** The superuser on the leader (HAProxy's write port): migrations, seed, the tests' checks. */
    owner: pgUrl(LOGINS.superuser, s.superuser, PORTS.haproxyWrite),
    ownerOn: (port: number, database = DATABASE) => pgUrl(LOGINS.superuser, s.superuser, port, database),
    runtime: pgUrl(LOGINS.runtime, s.runtime, PORTS.pgbouncer),
    auth: pgUrl(LOGINS.auth, s.auth, PORTS.pgbouncer),
    runtimeOn: (port: number) => pgUrl(LOGINS.runtime, s.runtime, port),
    authOn: (port: number) => pgUrl(LOGINS.auth, s.auth, port),
  };
}

const pidFile = (name: string) => path.join(DIRS.run, `${name}.pid`);

/**
 * Starts a long-running process detached from this one (it outlives `ha:up`), its output in
 * logs/<name>.log and its pid in run/<name>.pid, which is how `ha:down` and the tests find it.
 */
export function startDaemon(
  name: string,
  command: string,
  args: string[],
  opts: { asPostgres?: boolean; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): number {
  mkdirSync(DIRS.logs, { recursive: true });
  mkdirSync(DIRS.run, { recursive: true });
  const log = openSync(path.join(DIRS.logs, `${name}.log`), "a");
  const child = spawn(command, args, {
    detached: true,
    stdio: ["ignore", log, log],
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    ...(opts.asPostgres ? asPostgres() : {}),
  });
  closeSync(log);
  if (!child.pid) throw new Error(`${name} did not start (${command})`);
  child.unref();
  writeFileSync(pidFile(name), String(child.pid));
  return child.pid;
}

export function daemonPid(name: string): number | null {
  const file = pidFile(name);
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, "utf8").trim());
  return alive(pid) ? pid : null;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops a daemon's process group (SIGTERM, then SIGKILL after `graceMs`); true if it was running. */
export async function stopDaemon(name: string, graceMs = 15_000, signal: NodeJS.Signals = "SIGTERM"): Promise<boolean> {
  const pid = daemonPid(name);
  if (pid === null) return false;
  const kill = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  };
  kill(signal);
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await sleep(200);
  if (alive(pid)) kill("SIGKILL");
  while (alive(pid)) await sleep(100);
  return true;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it answers true; throws naming `what` after `timeoutMs`. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000, everyMs = 500) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}

export interface MemberState {
  name: string;
  role: string;
  state: string;
  host: string;
  port: number;
  lag?: number | string;
  timeline?: number;
}

/** The cluster as Patroni's REST API reports it (asked of each member in turn until one answers). */
export async function clusterState(): Promise<MemberState[]> {
  for (let i = 0; i < MEMBERS.length; i++) {
    try {
      const res = await fetch(`${restUrl(i)}/cluster`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return ((await res.json()) as { members: MemberState[] }).members;
    } catch {
      // this member's REST API is down; ask the next
    }
  }
  return [];
}

export async function leaderName(): Promise<string | null> {
  return (await clusterState()).find((m) => m.role === "leader" && m.state === "running")?.name ?? null;
}

/** `patronictl` on the topology's configuration (as the postgres user, like Patroni itself). */
export function patronictl(args: string[]): string {
  return execFileSync("patronictl", ["-c", PATRONICTL_CONFIG, ...args], {
    ...asPostgres(),
    env: { ...process.env, HOME: DIRS.run },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export const memberIndex = (name: string) => MEMBERS.findIndex((m) => m.name === name);

/** The postmaster's pid of a member, from its data directory. */
export function postmasterPid(name: string): number | null {
  const file = path.join(DIRS.members, name, "data", "postmaster.pid");
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, "utf8").split("\n")[0]);
  return alive(pid) ? pid : null;
}

export const appHealthy = async (url = APP_URL) =>
  (await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(3000) })).ok;
