import { readFileSync, writeFileSync } from "node:fs";
import { format, resolveConfig } from "prettier";
import type { LoadResult } from "./http";
import { ms, type Stats } from "./stats";

type Spread = { median: number; min: number; max: number };

export interface Results {
  machine: string;
  /** The 1-minute load average when the run started and ended (other work on a shared machine). */
  load: { start: number; end: number };
  iterations: number;
  at: string;
  seconds: number;
  dataset: {
    database: string;
    patients: number;
    orgs: number;
    clinicians: number;
    careTeam: number;
    appointments: number;
    notes: number;
    postgres: string;
    subject: { largestPracticePatients: number; clinicianPanel: number };
  };
  noise: { select1: Stats };
  policyOverhead: { query: string; rls: Stats; handWritten: Stats; ratio: number }[];
  roundTrips: { form: string; writes: number; time: Stats }[];
  /** One page of patients.list serialized as tRPC sends it (superjson) and as plain JSON, ms. */
  serialization?: { superjson: Stats; json: Stats };
  groupCommit: {
    workers: number;
    commitDelayMicros: number;
    commitSiblings: number;
    off: Spread;
    on: Spread;
    ratio: Spread;
  };
  breakdown?: { app: LoadResult; twin: LoadResult; baseline: LoadResult };
  curve?: {
    connections: number;
    app: Side;
    twin: Side;
    baseline: Side;
    /** patients.list's throughput over the baseline's, per round. */
    ratio: Spread;
    /** patients.list's throughput over its unguarded twin's, per round. */
    twinRatio: Spread;
    rssMiB: number;
  }[];
  growth?: {
    label: string;
    patients: number;
    practicePatients: number;
    panel: number;
    rls: Stats;
    handWritten: Stats;
  }[];
}

/** One server at one point of the curve: medians over the rounds, CPU ms per request by process. */
type Side = { rps: number; p50: number; p95: number; cpu: { app: number; database: number } };

const n = (x: number) => x.toLocaleString("en");
const range = (s: Spread, digits = 2) =>
  `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
const table = (head: string[], align: string[], rows: (string | number)[][]) => [
  `| ${head.join(" | ")} |`,
  `| ${align.join(" | ")} |`,
  ...rows.map((r) => `| ${r.join(" | ")} |`),
];

const STAGES: Record<string, string> = {
  session: "session cookie decoded (JWT)",
  context: "BEGIN + context statement answered (pipelined with query 1)",
  query1: "query 1 answered: the page of patients (RLS), with its total",
  query2: "query 2 answered: the page's last and next visits (and access bases, for a grant or cover)",
  audit: "audit insert answered (sent with COMMIT)",
  commit: "COMMIT answered",
  serialize: "response serialized (superjson, JSON)",
};

/** bench/results.md: every measurement of the run, with the dataset, the machine and the noise. */
export function renderMarkdown(r: Results): string {
  const d = r.dataset;
  const admin = r.policyOverhead.find((o) => o.query.startsWith("admin"));
  const clinician = r.policyOverhead[0];
  const lines = [
    "# Benchmark results",
    "",
    `Run ${r.at} on ${r.machine}; PostgreSQL ${d.postgres} (embedded); ${r.seconds.toFixed(0)} s. ${r.iterations} timed runs per form after 20 warm-up runs; the two forms of each comparison run interleaved (A, B, A, B …).`,
    "",
    `Dataset \`${d.database}\`: ${n(d.patients)} patients in ${d.orgs} practices, ${n(d.clinicians)} clinicians, ${n(d.careTeam)} care-team rows, ${n(d.appointments)} appointments, ${n(d.notes)} notes. Subject: the largest practice (${n(d.subject.largestPracticePatients)} patients), its clinician with the median panel (${d.subject.clinicianPanel} patients), and its admin.`,
    "",
    `Noise of this run: \`select 1\` on the runtime pool, p50 ${ms(r.noise.select1.p50)} ms, p95 ${ms(r.noise.select1.p95)} ms. 1-minute load average ${r.load.start.toFixed(1)} at the start, ${r.load.end.toFixed(1)} at the end, on ${r.machine.split(" ")[0]} cores (the end counts the bench's own servers and load generator). Whatever else the machine ran, the interleaved forms and the rotating server order expose each side of a ratio to the same interference.`,
    "",
    "## 1. Policy overhead (RLS, no WHERE, runtime role) vs hand-written WHERE (owner)",
    "",
    ...table(
      ["query", "RLS p50 ms", "RLS p95 ms", "hand-written p50 ms", "hand-written p95 ms", "ratio (p50)"],
      ["---", "---:", "---:", "---:", "---:", "---:"],
      r.policyOverhead.map((o) => [
        o.query,
        ms(o.rls.p50),
        ms(o.rls.p95),
        ms(o.handWritten.p50),
        ms(o.handWritten.p95),
        o.ratio.toFixed(2),
      ]),
    ),
    "",
    `Clinician list, first page, median panel: p50 ${ms(clinician.rls.p50)} ms (goal < 5 ms; noise p50 ${ms(r.noise.select1.p50)} ms).`,
    admin
      ? `Admin list, first page: ${admin.ratio.toFixed(2)}× the hand-written query at p50 (goal ≤ 1.2×), ${ms(admin.rls.p50)} vs ${ms(admin.handWritten.p50)} ms.`
      : "",
    "",
    "Plans: `bench/explain/*.txt` (EXPLAIN (ANALYZE, BUFFERS) of both forms).",
    "",
    "## 2. Round trips of a request's transaction",
    "",
    "The app's own code (`withRlsContext`, `audit`) on the runtime pool; network writes counted on the socket (each is followed by a wait for the answer).",
    "",
    ...table(
      ["form", "network writes", "p50 ms", "p95 ms"],
      ["---", "---:", "---:", "---:"],
      r.roundTrips.map((f) => [f.form, f.writes.toFixed(0), ms(f.time.p50), ms(f.time.p95)]),
    ),
    "",
    ...(r.serialization
      ? [
          `Serializing one page of \`patients.list\` (20 patients) in Node: superjson (tRPC's transformer) p50 ${ms(r.serialization.superjson.p50)} ms, plain JSON ${ms(r.serialization.json.p50)} ms.`,
          "",
        ]
      : []),
    "### Group commit for the audit writes",
    "",
    `${r.groupCommit.workers} concurrent audited transactions (the app's \`withRlsContext\` + \`audit\`, committed with \`synchronous_commit = on\`), three rounds alternating the setting; median (range) of transactions per second.`,
    "",
    ...table(
      ["setting", "transactions/s"],
      ["---", "---:"],
      [
        ["`commit_delay = 0` (default)", range(r.groupCommit.off, 0)],
        [
          `\`commit_delay = ${r.groupCommit.commitDelayMicros}\`, \`commit_siblings = ${r.groupCommit.commitSiblings}\``,
          range(r.groupCommit.on, 0),
        ],
        ["ratio", range(r.groupCommit.ratio)],
      ],
    ),
    "",
  ];
  if (r.breakdown) {
    const { app, twin, baseline } = r.breakdown;
    lines.push(
      "## 3. Whole stack over HTTP (production build, load from a second process on loopback)",
      "",
      "Three servers on one PostgreSQL: `patients.list` (the app, `npm start`); its **unguarded twin** (`bench/twin.ts`: the same page, total, last and next visits, badges and one audit row with every patient's basis, committed with `synchronous_commit` on, hand-written on the owner's connection, which bypasses RLS, with no session check, behind a bare `node:http` server); and the **baseline** (`bench/baseline.ts`: the page alone, no total, visits, badges, audit row or transaction). App vs twin prices the guard (RLS, the session, the context, tRPC); app vs baseline prices everything the product does.",
      "",
      "### Per-stage breakdown of one `patients.list` request",
      "",
      `One connection, \`Server-Timing\` on (CAREROSTER_SERVER_TIMING=1), ${n(app.requests)} requests; p50 of each stage as the server measured it (pipelined stages overlap, so they do not add up).`,
      "",
      ...table(
        ["stage", "p50 ms"],
        ["---", "---:"],
        [
          ...Object.entries(app.stages).map(([k, v]) => [STAGES[k] ?? `${k} answered`, ms(v)]),
          ["**end to end, as the client saw it**", `**${ms(app.p50)}**`],
          ["unguarded twin end to end (same work, no RLS, no session, no tRPC)", ms(twin.p50)],
          ["baseline end to end (the page alone, no transaction)", ms(baseline.p50)],
        ],
      ),
      "",
    );
  }
  if (r.curve) {
    const cpu = (c: Side["cpu"]) => `${ms(c.app)} + ${ms(c.database)}`;
    lines.push(
      "### Concurrency curve",
      "",
      "Each point: the median of three rounds, the order of the three servers rotating each round; the ratios' range across the rounds in brackets. CPU per request: the serving Node process (the app's, or the hand-written server's) and PostgreSQL's, from /proc, over the run. RSS: the app's Node processes at the end of the step.",
      "",
      ...table(
        [
          "connections",
          "`patients.list` req/s (p95 ms)",
          "twin req/s (p95 ms)",
          "baseline req/s (p95 ms)",
          "vs twin (range)",
          "vs baseline (range)",
          "CPU ms/request, app + database: `patients.list`",
          "twin",
          "baseline",
          "app RSS MiB",
        ],
        ["---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:"],
        r.curve.map((c) => [
          c.connections,
          `${c.app.rps.toFixed(0)} (${ms(c.app.p95)})`,
          `${c.twin.rps.toFixed(0)} (${ms(c.twin.p95)})`,
          `${c.baseline.rps.toFixed(0)} (${ms(c.baseline.p95)})`,
          range(c.twinRatio),
          range(c.ratio),
          cpu(c.app.cpu),
          cpu(c.twin.cpu),
          cpu(c.baseline.cpu),
          c.rssMiB.toFixed(0),
        ]),
      ),
      "",
      "![Concurrency curve](concurrency.svg)",
      "",
    );
  }
  if (r.growth) {
    lines.push(
      "## 4. Growth (query 1: the first page and its total; the admin list without)",
      "",
      ...table(
        ["dataset, caller", "practice size", "panel", "RLS p50 ms", "hand-written p50 ms", "ratio"],
        ["---", "---:", "---:", "---:", "---:", "---:"],
        r.growth.map((g) => [
          g.label,
          n(g.practicePatients),
          n(g.panel),
          ms(g.rls.p50),
          ms(g.handWritten.p50),
          (g.rls.p50 / g.handWritten.p50).toFixed(2),
        ]),
      ),
      "",
      "![Growth](growth.svg)",
      "",
    );
  }
  lines.push("## Goals", "", ...goals(r).map((g) => `- ${g.met ? "**met**" : "**not met**"}: ${g.text}`), "");
  return lines.join("\n");
}

/** The request-path goals, each with this run's measurement. */
export function goals(r: Results): { met: boolean; text: string }[] {
  const out: { met: boolean; text: string }[] = [];
  const at = (c: number) => r.curve?.find((p) => p.connections === c);
  const [p8, p32] = [at(8), at(32)];
  if (p8 && p32) {
    const twin = Math.min(p8.twinRatio.median, p32.twinRatio.median);
    out.push({
      met: twin >= 0.9,
      text: `the guard's own cost: \`patients.list\` is ${range(p8.twinRatio)} of its unguarded twin's throughput at 8 connections and ${range(p32.twinRatio)} at 32 (goal ≥ 0.9×).`,
    });
    const base = Math.min(p8.ratio.median, p32.ratio.median);
    out.push({
      met: base >= 0.7,
      text: `the product near the limit: ${range(p8.ratio)} of the bare baseline's throughput at 8 connections, ${range(p32.ratio)} at 32 (goal ≥ 0.7×). The twin, doing the same work without the guard, reaches ${(p8.twin.rps / p8.baseline.rps).toFixed(2)}× the baseline at 8: that share is the work itself.`,
    });
    out.push({
      met: p8.app.cpu.app <= 1.8 && p8.app.cpu.database <= 2.7,
      text: `CPU per \`patients.list\` at 8 connections: ${ms(p8.app.cpu.app)} ms app + ${ms(p8.app.cpu.database)} ms database (goal ≤ 1.8 + 2.7); the twin ${ms(p8.twin.cpu.app)} + ${ms(p8.twin.cpu.database)}, the baseline ${ms(p8.baseline.cpu.app)} + ${ms(p8.baseline.cpu.database)}.`,
    });
  }
  if (r.breakdown) {
    out.push({
      met: r.breakdown.app.p50 <= 11.3 / 2,
      text: `end to end at one connection: p50 ${ms(r.breakdown.app.p50)} ms (goal ≤ 5.65 ms, half the 11.3 ms of the previous run); the twin ${ms(r.breakdown.twin.p50)} ms.`,
    });
  }
  const q1 = r.policyOverhead[0];
  const wide = r.growth?.find((g) => g.label.includes("10,000-patient"));
  out.push({
    met: q1.rls.p50 <= 1 && (!wide || wide.rls.p50 <= 1),
    text: `query 1 (the first page and its total) at 1M patients: p50 ${ms(q1.rls.p50)} ms for the median panel${wide ? ` and ${ms(wide.rls.p50)} ms for a 10,000-patient panel` : ""} (goal ≤ 1 ms for both); the twin's ${ms(q1.handWritten.p50)}${wide ? ` and ${ms(wide.handWritten.p50)}` : ""} ms. Plans: \`bench/explain/clinician-list-first-page-and-total-query-1-.*.txt\`.`,
  });
  return out;
}

const START = "<!-- bench:results:start -->";
const END = "<!-- bench:results:end -->";

/** Written as the project's Prettier would format it, so `npm run lint` stays clean after a run. */
export async function writeFormatted(file: string, text: string) {
  writeFileSync(file, await format(text, { ...(await resolveConfig(file)), filepath: file }));
}

/** Rewrites bench/README.md's results table (between the bench markers) from this run. */
export async function updateReadme(file: string, r: Results) {
  const readme = readFileSync(file, "utf8");
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${file} has no ${START} … ${END} section`);
  const at = (c: number) => r.curve?.find((p) => p.connections === c);
  const rows: (string | number)[][] = r.policyOverhead.map((o) => [
    `${o.query}, p50 ms (RLS vs hand-written)`,
    ms(o.rls.p50),
    ms(o.handWritten.p50),
    o.ratio.toFixed(2),
  ]);
  const [, before, now] = r.roundTrips;
  rows.push([
    "request transaction with an audit row, p50 ms (network writes): now vs before",
    `${ms(now.time.p50)} (${now.writes.toFixed(0)})`,
    `${ms(before.time.p50)} (${before.writes.toFixed(0)})`,
    (now.time.p50 / before.time.p50).toFixed(2),
  ]);
  for (const c of [8, 32]) {
    const p = at(c);
    if (p)
      rows.push(
        [
          `HTTP req/s, \`patients.list\` vs its unguarded twin, ${c} connections`,
          p.app.rps.toFixed(0),
          p.twin.rps.toFixed(0),
          range(p.twinRatio),
        ],
        [
          `HTTP req/s, \`patients.list\` vs baseline, ${c} connections`,
          p.app.rps.toFixed(0),
          p.baseline.rps.toFixed(0),
          range(p.ratio),
        ],
      );
  }
  const body = [
    "",
    `From \`bench/results.md\`: run ${r.at.slice(0, 10)} on ${r.machine.split(",")[0]}, PostgreSQL ${r.dataset.postgres}, ${n(r.dataset.patients)} patients (largest practice ${n(r.dataset.subject.largestPracticePatients)}, median panel ${r.dataset.subject.clinicianPanel}); noise (\`select 1\` p50) ${ms(r.noise.select1.p50)} ms.`,
    "",
    ...table(["measurement", "app", "reference", "ratio"], ["---", "---:", "---:", "---:"], rows),
    "",
    ...goals(r).map((g) => `- ${g.met ? "**met**" : "**not met**"}: ${g.text}`),
    "",
    "![Concurrency curve](concurrency.svg)",
    "",
    "![Growth](growth.svg)",
    "",
  ].join("\n");
  await writeFormatted(file, readme.slice(0, from + START.length) + "\n" + body + readme.slice(to));
}
