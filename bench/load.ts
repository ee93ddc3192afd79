import { stats } from "./stats";

// A load generator run as its own process (so it does not share the server's event loop):
// `tsx bench/load.ts <url> <seconds> <concurrency> [cookie]` → JSON { rps, p50, p95, errors,
// statuses, stages }. `stages` is the p50 of each `Server-Timing` entry (a server started with
// CAREROSTER_SERVER_TIMING=1), in milliseconds.
const [url, seconds, concurrency, cookie] = process.argv.slice(2);
const deadline = Date.now() + Number(seconds) * 1000;
const latencies: number[] = [];
const statuses: Record<string, number> = {};
const stageSamples = new Map<string, number[]>();

function recordStages(header: string | null) {
  for (const entry of header?.split(",") ?? []) {
    const [name, ...params] = entry.trim().split(";");
    const dur = params.find((p) => p.startsWith("dur="));
    if (!dur) continue;
    if (!stageSamples.has(name)) stageSamples.set(name, []);
    stageSamples.get(name)!.push(Number(dur.slice(4)));
  }
}

async function worker() {
  while (Date.now() < deadline) {
    const t0 = performance.now();
    try {
      const res = await fetch(url, { headers: cookie ? { cookie } : {} });
      await res.arrayBuffer();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      recordStages(res.headers.get("server-timing"));
    } catch {
      statuses.network = (statuses.network ?? 0) + 1;
    }
    latencies.push(performance.now() - t0);
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: Number(concurrency) }, worker));
const elapsed = (performance.now() - started) / 1000;
const s = stats(latencies);
const errors = latencies.length - (statuses[200] ?? 0);
console.log(
  JSON.stringify({
    requests: latencies.length,
    rps: latencies.length / elapsed,
    p50: s.p50,
    p95: s.p95,
    errors,
    statuses,
    stages: Object.fromEntries([...stageSamples].map(([name, xs]) => [name, stats(xs).p50])),
  }),
);
