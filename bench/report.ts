import { readFileSync, writeFileSync } from "node:fs";
import { format, resolveConfig } from "prettier";
import type { LoadResult } from "./http";
import { ms, type Stats } from "./stats";

type Spread = { median: number; min: number; max: number };

export interface Results {
  machine: string;
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
  groupCommit: {
    workers: number;
    commitDelayMicros: number;
    commitSiblings: number;
    off: Spread;
    on: Spread;
    ratio: Spread;
  };
  breakdown?: { app: LoadResult; baseline: LoadResult };
  curve?: {
    connections: number;
    app: { rps: number; p95: number };
    baseline: { rps: number; p95: number };
    ratio: Spread;
    cpuPerRequest: { app: { app: number; database: number }; baseline: { app: number; database: number } };
    rssMiB: number;
  }[];
  growth?: { patients: number; practicePatients: number; panel: number; rls: Stats; handWritten: Stats }[];
}

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
    `Noise of this run: \`select 1\` on the runtime pool, p50 ${ms(r.noise.select1.p50)} ms, p95 ${ms(r.noise.select1.p95)} ms.`,
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
    const { app, baseline } = r.breakdown;
    lines.push(
      "## 3. Whole stack over HTTP (production build, load from a second process on loopback)",
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
          [
            "baseline server end to end (hand-written query on a bare node:http server, no session, no transaction)",
            ms(baseline.p50),
          ],
        ],
      ),
      "",
    );
  }
  if (r.curve) {
    lines.push(
      "### Concurrency curve",
      "",
      "Each point: the median of three rounds, alternating which server goes first; the ratio's range across the rounds in brackets. CPU per request: the serving Node processes (the app's or the baseline's) and PostgreSQL's, from /proc, over the run. RSS: the app's Node processes at the end of the step.",
      "",
      ...table(
        [
          "connections",
          "`patients.list` req/s",
          "p95 ms",
          "baseline req/s",
          "p95 ms",
          "throughput ratio (range)",
          "CPU ms/request: app + database",
          "baseline: app + database",
          "app RSS MiB",
        ],
        ["---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:"],
        r.curve.map((c) => [
          c.connections,
          c.app.rps.toFixed(0),
          ms(c.app.p95),
          c.baseline.rps.toFixed(0),
          ms(c.baseline.p95),
          range(c.ratio),
          `${ms(c.cpuPerRequest.app.app)} + ${ms(c.cpuPerRequest.app.database)}`,
          `${ms(c.cpuPerRequest.baseline.app)} + ${ms(c.cpuPerRequest.baseline.database)}`,
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
      "## 4. Growth (clinician first page)",
      "",
      ...table(
        ["patients", "practice size", "panel", "RLS p50 ms", "hand-written p50 ms"],
        ["---:", "---:", "---:", "---:", "---:"],
        r.growth.map((g) => [n(g.patients), n(g.practicePatients), g.panel, ms(g.rls.p50), ms(g.handWritten.p50)]),
      ),
      "",
      "![Growth](growth.svg)",
      "",
    );
  }
  return lines.join("\n");
}

const START = "<!-- bench:results:start -->";
const END = "<!-- bench:results:end -->";

/** Written as the project's Prettier would format it, so `npm run lint` stays clean after a run. */
async function writeFormatted(file: string, text: string) {
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
      rows.push([
        `HTTP req/s, \`patients.list\` vs baseline, ${c} connections`,
        p.app.rps.toFixed(0),
        p.baseline.rps.toFixed(0),
        range(p.ratio),
      ]);
  }
  const body = [
    "",
    `From \`bench/results.md\`: run ${r.at.slice(0, 10)} on ${r.machine.split(",")[0]}, PostgreSQL ${r.dataset.postgres}, ${n(r.dataset.patients)} patients (largest practice ${n(r.dataset.subject.largestPracticePatients)}, median panel ${r.dataset.subject.clinicianPanel}); noise (\`select 1\` p50) ${ms(r.noise.select1.p50)} ms.`,
    "",
    ...table(["measurement", "app", "reference", "ratio"], ["---", "---:", "---:", "---:"], rows),
    "",
    "![Concurrency curve](concurrency.svg)",
    "",
    "![Growth](growth.svg)",
    "",
  ].join("\n");
  await writeFormatted(file, readme.slice(0, from + START.length) + "\n" + body + readme.slice(to));
}
