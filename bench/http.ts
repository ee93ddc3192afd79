import { execFile, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import net from "node:net";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  errors: number;
  statuses: Record<string, number>;
  stages: Record<string, number>;
}

export interface BenchServer {
  base: string;
  /** Resident memory of the server's processes, MiB. */
  rssMiB(): number;
  /** CPU time used so far by the server's processes, ms (PostgreSQL's is databaseCpuMs()). */
  cpuMs(): number;
  /** The ids of the server's processes whose command line contains `text`. */
  pids(text: string): number[];
  /** Stops the server; resolves when it has exited. */
  stop(): Promise<void>;
}

/** The database the bench's servers talk to: a cluster the bench itself started. */
export interface BenchDatabase {
  runtimeUrl: string;
  authUrl: string;
  ownerUrl: string;
}

/**
 * `npm start` (production build) on the bench dataset, on the bench's own cluster (so its
 * PostgreSQL is not part of the server's process tree); resolves when healthy.
 */
export function startServer(opts: {
  dataDir: string;
  database: BenchDatabase;
  secret: string;
  serverTiming: boolean;
}): Promise<BenchServer> {
  return spawnServer("npx", ["tsx", "scripts/start.ts"], "/api/health", (port) => ({
    ...process.env,
    PORT: String(port),
    CAREROSTER_DATA_DIR: opts.dataDir,
    DATABASE_URL: opts.database.runtimeUrl,
    DATABASE_AUTH_URL: opts.database.authUrl,
    DATABASE_OWNER_URL: opts.database.ownerUrl,
    CAREROSTER_SKIP_DEMO: "1",
    CAREROSTER_SERVER_TIMING: opts.serverTiming ? "1" : "0",
    NEXTAUTH_SECRET: opts.secret,
    NEXT_TELEMETRY_DISABLED: "1",
  }));
}

/** The hand-written baseline (bench/baseline.ts) as its own process, on the owner's connection. */
export function startBaseline(database: BenchDatabase): Promise<BenchServer> {
  return spawnServer(process.execPath, ["--import", "tsx", "bench/baseline-server.ts"], "/health", (port) => ({
    ...process.env,
    PORT: String(port),
    BASELINE_DATABASE_URL: database.ownerUrl,
  }));
}

/**
 * The bench's own ports: the first free one of BENCH_PORTS (default 3700-3799), so that its
 * servers keep out of the ranges other work on a shared machine has claimed.
 */
export async function benchPort(): Promise<number> {
  const [from, to] = (process.env.BENCH_PORTS ?? "3700-3799").split("-").map(Number);
  for (let port = from; port <= to; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = net.createServer();
      probe.once("error", () => resolve(false));
      probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${from}-${to} (BENCH_PORTS)`);
}

async function spawnServer(
  command: string,
  args: string[],
  healthPath: string,
  env: (port: number) => NodeJS.ProcessEnv,
): Promise<BenchServer> {
  const port = await benchPort();
  const server: ChildProcess = spawn(command, args, {
    env: env(port),
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  const base = `http://127.0.0.1:${port}`;
  const exited = once(server, "exit");
  const stop = async () => {
    process.kill(-server.pid!, "SIGTERM");
    await exited;
  };
  try {
    for (let i = 0; ; i++) {
      if (i > 600) throw new Error(`${args.join(" ")} did not become healthy in 10 minutes`);
      const up = await fetch(`${base}${healthPath}`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const tree = () => processTree(server.pid!).filter((p) => !isDatabase(p));
  return {
    base,
    rssMiB: () => tree().reduce((a, p) => a + p.rssKiB, 0) / 1024,
    cpuMs: () => tree().reduce((a, p) => a + p.cpuMs, 0),
    pids: (text) =>
      tree()
        .filter((p) => p.command.includes(text))
        .map((p) => p.pid),
    stop,
  };
}

/** CPU time used so far by the bench's own PostgreSQL (the postmaster and its live backends), ms. */
export function databaseCpuMs(): number {
  return processTree(process.pid)
    .filter(isDatabase)
    .reduce((a, p) => a + p.cpuMs, 0);
}

/** The server's process tree: each process's name, resident memory and CPU time so far. */
function processTree(root: number): { pid: number; name: string; command: string; rssKiB: number; cpuMs: number }[] {
  const children = new Map<number, number[]>();
  const stats = new Map<number, string>();
  for (const name of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      stats.set(Number(name), stat);
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // the process ended while we looked
    }
  }
  const tree: { pid: number; name: string; command: string; rssKiB: number; cpuMs: number }[] = [];
  const walk = (pid: number) => {
    const stat = stats.get(pid);
    if (!stat) return;
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      // Fields after the command name: state is field 3, utime and stime are fields 14 and 15 (clock ticks, 100/s).
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      tree.push({
        pid,
        name: /^Name:\s+(\S+)/m.exec(status)?.[1] ?? "",
        command: readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " "),
        rssKiB: Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0),
        cpuMs: (Number(fields[11]) + Number(fields[12])) * 10,
      });
    } catch {
      return;
    }
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(root);
  return tree;
}

const isDatabase = (p: { name: string }) => p.name.startsWith("postgres");
/** One load run from a second process (bench/load.ts). A throughput of failed requests is not a measurement. */
export async function load(url: string, seconds: number, connections: number, cookie = ""): Promise<LoadResult> {
  const args = ["--import", "tsx", "bench/load.ts", url, String(seconds), String(connections), cookie];
  const { stdout } = await run(process.execPath, args, {
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  const result = JSON.parse(stdout.trim().split("\n").pop()!) as LoadResult;
  if (result.errors > 0) throw new Error(`${new URL(url).pathname} answered ${JSON.stringify(result.statuses)}`);
  return result;
}
