import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { hashToken } from "@/server/auth/tokens";
import { startCluster } from "@/server/db/embedded";
import { sessionCookie } from "@/tests/helpers/session-cookie";
import { benchPort, load, startServer } from "./http";
import { pickSubject } from "./queries";
import { writeFormatted } from "./report";

// `npm run bench:profile`: where the app's Node process spends a `patients.list` request. The
// production app on the bench dataset, 8 connections of `patients.list` from a second process, and
// V8's sampling profiler in the server (bench/profile-hook.mjs) for the measured seconds; self time
// summed by package and by function into bench/profile.md. The sampler slows the server, so
// the shares count here, not the request rate.

const DATABASE = "careroster_large";
const SECONDS = 10;
const CONNECTIONS = 8;

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

const log = (text: string) => console.log(`[profile] ${text}`);

/** Where a frame's code lives: an npm package, a file of the project, or V8's own work. */
function codeOwner(url: string, fn: string): string {
  if (!url) return fn.startsWith("(") ? fn : "(native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith("node:")) return "node (built-in modules)";
  if (url.includes("/.next/")) return "Next.js build output (bundled server code)";
  return url.replace(/^file:\/\//, "").replace(`${process.cwd()}/`, "");
}

function summarize(profile: CpuProfile, requests: number) {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const sum = (key: (n: CpuProfile["nodes"][number]) => string) => {
    const totals = new Map<string, number>();
    for (const [id, us] of self) {
      const k = key(byId.get(id)!);
      totals.set(k, (totals.get(k) ?? 0) + us);
    }
    return [...totals].sort((a, b) => b[1] - a[1]);
  };
  const busy = [...self].filter(([id]) => byId.get(id)!.callFrame.functionName !== "(idle)");
  const busyUs = busy.reduce((a, [, us]) => a + us, 0);
  const row = ([k, us]: [string, number]) =>
    `| ${k.replace(/\|/g, "\\|")} | ${(us / 1000 / requests).toFixed(3)} | ${((100 * us) / busyUs).toFixed(1)} % |`;
  return {
    busyMsPerRequest: busyUs / 1000 / requests,
    packages: sum((n) => codeOwner(n.callFrame.url, n.callFrame.functionName))
      .filter(([k]) => k !== "(idle)")
      .slice(0, 20)
      .map(row),
    functions: sum(
      (n) =>
        `${n.callFrame.functionName || "(anonymous)"} — ${codeOwner(n.callFrame.url, n.callFrame.functionName)}:${n.callFrame.lineNumber + 1}`,
    )
      .filter(([k]) => !k.startsWith("(idle)"))
      .slice(0, 25)
      .map(row),
  };
}

const dataDir = path.join(process.cwd(), ".data", "large");
const pg = await startCluster(path.join(dataDir, "pg"), { persistent: true, port: await benchPort() });
const owner = postgres(pg.ownerUrl(DATABASE), { max: 1, onnotice: () => {} });
const profileDir = mkdtempSync(path.join(os.tmpdir(), "careroster-profile-"));
let sessionId: string | undefined;
try {
  const s = await pickSubject(owner);
  const sst = randomBytes(32).toString("base64url");
  const [row] = await owner`insert into sessions (user_id, org_id, methods, user_agent, token_hash)
    values (${s.clinicianId}, ${s.orgId}, '{password}', 'bench', ${hashToken(sst)}) returning id`;
  sessionId = row.id as string;
  const secret = randomBytes(32).toString("base64url");
  const cookie = await sessionCookie({ sub: s.clinicianId, sid: sessionId, sst, orgId: s.orgId }, { secret });
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --import ${path.join(process.cwd(), "bench", "profile-hook.mjs")}`;
  process.env.BENCH_PROFILE_DIR = profileDir;
  log("starting the app (production build) with the profiler hook…");
  const database = {
    runtimeUrl: pg.runtimeUrl(DATABASE),
    authUrl: pg.authUrl(DATABASE),
    ownerUrl: pg.ownerUrl(DATABASE),
  };
  const server = await startServer({ dataDir, database, secret, serverTiming: false });
  delete process.env.NODE_OPTIONS;
  const url = `${server.base}/api/trpc/patients.list?input=${encodeURIComponent(JSON.stringify({ json: { limit: 20 } }))}`;
  try {
    log("warming up (5 s)…");
    await load(url, 5, CONNECTIONS, cookie);
    const pids = server.pids("scripts/serve.ts");
    for (const pid of pids) process.kill(pid, "SIGUSR2");
    log(`profiling ${SECONDS} s at ${CONNECTIONS} connections…`);
    const result = await load(url, SECONDS, CONNECTIONS, cookie);
    for (const pid of pids) process.kill(pid, "SIGHUP");
    for (let i = 0; i < 50 && readdirSync(profileDir).length === 0; i++) await new Promise((r) => setTimeout(r, 200));
    const [file] = readdirSync(profileDir);
    if (!file) throw new Error("the server wrote no profile");
    const profile = JSON.parse(readFileSync(path.join(profileDir, file), "utf8")) as CpuProfile;
    const summary = summarize(profile, result.requests);
    const out = [
      "# Where the app's Node process spends a `patients.list` request",
      "",
      `Generated by \`npm run bench:profile\` on ${new Date().toISOString().slice(0, 10)}: the production app on \`${DATABASE}\`, ${CONNECTIONS} connections for ${SECONDS} s (${result.requests} requests; the sampler slows the server, so read the shares, not the rate), V8's sampling profiler (200 µs) in the server process. Self time per request: ${summary.busyMsPerRequest.toFixed(2)} ms with the sampler on.`,
      "",
      "## By package",
      "",
      "| where | ms per request | share |",
      "| --- | ---: | ---: |",
      ...summary.packages,
      "",
      "## By function",
      "",
      "| function — where:line | ms per request | share |",
      "| --- | ---: | ---: |",
      ...summary.functions,
      "",
    ].join("\n");
    await writeFormatted(path.join(process.cwd(), "bench", "profile.md"), out);
    log(`wrote bench/profile.md (${result.requests} requests profiled)`);
  } finally {
    await server.stop();
  }
} finally {
  if (sessionId) await owner`delete from sessions where id = ${sessionId}`;
  await owner.end();
  await pg.stop();
}
