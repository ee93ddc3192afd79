import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { sessionCookie } from "@/tests/helpers/session-cookie";
import postgres from "postgres";
import { startCluster, freePort } from "@/server/db/embedded";
import { migrate } from "@/server/db/migrate";
import { seedLarge } from "@/server/db/seed/large";
import { pickSubject, queryPairs, type Subject } from "./queries";
import { measure, ms, type Stats } from "./stats";

// `npm run bench`: on the dataset `npm run db:seed:large` made (.data/large), measures what RLS
// costs against hand-written SQL, the per-request context, the whole HTTP stack, and growth.
// Writes bench/results.json, bench/results.md and bench/explain/*.txt.
const { values: args } = parseArgs({
  options: {
    database: { type: "string", default: "careroster_large" },
    iterations: { type: "string", default: "200" },
    "http-seconds": { type: "string", default: "10" },
    connections: { type: "string", default: "8" },
    "skip-http": { type: "boolean", default: false },
    "skip-growth": { type: "boolean", default: false },
  },
});
const N = Number(args.iterations);
const dataDir = path.join(process.cwd(), ".data", "large");
const out = path.join(process.cwd(), "bench");
mkdirSync(path.join(out, "explain"), { recursive: true });
const log = (line: string) => console.log(line);

/** A live server-side session per user (as sign-in creates), so the context statement checks a real one. */
const sessionOf = new Map<string, string>();
async function startSession(owner: postgres.Sql, userId: string) {
  const [row] = await owner`insert into sessions (user_id, user_agent) values (${userId}, 'bench') returning id`;
  sessionOf.set(userId, row.id as string);
}

/** The app's context statement for a request (server/db/context.ts, with the session check), verbatim. */
const setContext = (tx: postgres.TransactionSql, userId: string, orgId: string) => {
  const sessionId = sessionOf.get(userId);
  if (!sessionId) throw new Error("no bench session for this user");
  return tx`
  select set_config('role', case when app_is_admin() then 'careroster_admin' else 'careroster_clinician' end, true) as role,
         identity.user_id <> '' as live
  from (select set_config('app.user_id', case when session.live then ${userId} else '' end, true) as user_id,
               set_config('app.org_id', case when session.live then ${orgId} else '' end, true) as org_id
        from (select app_session_live(${sessionId}::uuid, ${userId}::uuid) as live offset 0) session
        offset 0) identity`;
};

async function withContext(
  rt: postgres.Sql,
  userId: string,
  orgId: string,
  fn: (tx: postgres.TransactionSql) => Promise<unknown>,
) {
  return rt.begin(async (tx) => {
    await setContext(tx, userId, orgId);
    return fn(tx);
  });
}

/** Times only the query, inside a transaction whose context is already set (context cost is part 2). */
async function measureRls(
  rt: postgres.Sql,
  userId: string,
  orgId: string,
  query: (tx: postgres.TransactionSql) => Promise<unknown>,
): Promise<Stats> {
  return rt.begin(async (tx) => {
    await setContext(tx, userId, orgId);
    return measure(() => query(tx), N);
  });
}

async function explain(
  rt: postgres.Sql,
  owner: postgres.Sql,
  s: Subject,
  name: string,
  pair: Awaited<ReturnType<typeof queryPairs>>[number],
) {
  const slug = name.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
  const capture = (
    sql: postgres.Sql | postgres.TransactionSql,
    run: (q: postgres.Sql | postgres.TransactionSql) => Promise<unknown>,
  ) => {
    const wrapped = new Proxy(sql, {
      get: (t, k) => (k === "unsafe" ? (q: string) => t.unsafe(`explain (analyze, buffers) ${q}`) : Reflect.get(t, k)),
    });
    return run(wrapped) as Promise<{ "QUERY PLAN": string }[]>;
  };
  const rlsPlan = await withContext(rt, pair.asAdmin ? s.adminId : s.clinicianId, s.orgId, (tx) =>
    capture(tx, pair.rls as never),
  );
  const handPlan = await capture(owner, pair.handWritten as never);
  writeFileSync(
    path.join(out, "explain", `${slug}.rls.txt`),
    (rlsPlan as { "QUERY PLAN": string }[]).map((r) => r["QUERY PLAN"]).join("\n") + "\n",
  );
  writeFileSync(
    path.join(out, "explain", `${slug}.hand-written.txt`),
    handPlan.map((r) => r["QUERY PLAN"]).join("\n") + "\n",
  );
}

async function ensureDataset(
  cluster: Awaited<ReturnType<typeof startCluster>>,
  database: string,
  size: { patients: number; orgs: number; clinicians: number },
) {
  const admin = postgres(cluster.ownerUrl("postgres"), { max: 1, onnotice: () => {} });
  const [exists] = await admin`select 1 from pg_database where datname = ${database}`;
  if (!exists) await admin`create database ${admin(database)}`;
  await admin.end();
  await migrate(cluster.ownerUrl(database), cluster.runtimeUrl(database));
  const owner = postgres(cluster.ownerUrl(database), { max: 1 });
  const [{ n }] = await owner`select count(*)::int as n from patients`;
  await owner.end();
  if (n === 0) {
    log(`Seeding ${database} (${size.patients.toLocaleString("en")} patients)…`);
    await seedLarge(cluster.ownerUrl(database), { ...size, log: () => {} });
  }
}

const results: Record<string, unknown> = {
  machine: `${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`,
  iterations: N,
  at: new Date().toISOString(),
};

let subject: Subject | undefined;
const cluster = await startCluster(path.join(dataDir, "pg"), { persistent: true });
try {
  await migrate(cluster.ownerUrl(args.database), cluster.runtimeUrl(args.database)); // the policies under test are the current ones
  const owner = postgres(cluster.ownerUrl(args.database), { max: 2, onnotice: () => {} });
  const rt = postgres(cluster.runtimeUrl(args.database), { max: 2, onnotice: () => {} });
  const [{ version }] = await owner`select current_setting('server_version') as version`;
  const [{ patients }] = await owner`select count(*)::int as patients from patients`;
  if (patients === 0) throw new Error(`no data in ${args.database}: run npm run db:seed:large first`);
  const [sizes] =
    await owner`select (select count(*)::int from organizations) as orgs, (select count(*)::int from memberships where role = 'clinician') as clinicians,
    (select count(*)::int from care_team) as care_team, (select count(*)::int from appointments) as appointments, (select count(*)::int from clinical_notes) as notes`;
  const s = (subject = await pickSubject(owner));
  await startSession(owner, s.clinicianId);
  await startSession(owner, s.adminId);
  results.dataset = {
    database: args.database,
    patients,
    ...sizes,
    postgres: version,
    subject: { largestPracticePatients: s.orgPatients, clinicianPanel: s.panel },
  };
  log(
    `Dataset: ${patients.toLocaleString("en")} patients, ${sizes.orgs} practices; subject: practice of ${s.orgPatients.toLocaleString("en")}, clinician panel ${s.panel}.`,
  );

  log("1. Policy overhead");
  const overhead = [];
  for (const pair of await queryPairs(owner, s)) {
    const user = pair.asAdmin ? s.adminId : s.clinicianId;
    const a = await measureRls(rt, user, s.orgId, pair.rls);
    const b = await measure(() => pair.handWritten(owner), N);
    await explain(rt, owner, s, pair.name, pair);
    overhead.push({ query: pair.name, rls: a, handWritten: b, ratio: a.p50 / b.p50 });
    log(
      `   ${pair.name}: RLS p50 ${ms(a.p50)} ms / p95 ${ms(a.p95)}; hand-written p50 ${ms(b.p50)} / p95 ${ms(b.p95)}; ratio ${(a.p50 / b.p50).toFixed(2)}`,
    );
  }
  results.policyOverhead = overhead;

  log("2. Context overhead");
  const bare = await measure(() => rt`select 1`, N);
  const ctx = await measure(() => withContext(rt, s.clinicianId, s.orgId, (tx) => tx`select 1`), N);
  results.contextOverhead = {
    bare,
    withContext: ctx,
    roundTrips: { bare: 1, withContext: 4 },
    ratio: ctx.p50 / bare.p50,
  };
  log(
    `   bare select: p50 ${ms(bare.p50)} ms; BEGIN + set_config + select + COMMIT: p50 ${ms(ctx.p50)} ms (${(ctx.p50 / bare.p50).toFixed(2)}×, 4 round trips vs 1)`,
  );
  await owner.end();
  await rt.end();

  if (!args["skip-growth"]) {
    log("4. Growth (clinician first page)");
    const growth = [];
    for (const [database, size] of [
      ["careroster_10k", { patients: 10_000, orgs: 10, clinicians: 20 }],
      ["careroster_100k", { patients: 100_000, orgs: 20, clinicians: 200 }],
      [args.database, null],
    ] as const) {
      if (size) await ensureDataset(cluster, database, size);
      const o = postgres(cluster.ownerUrl(database), { max: 1, onnotice: () => {} });
      const r = postgres(cluster.runtimeUrl(database), { max: 1, onnotice: () => {} });
      const subj = await pickSubject(o);
      await startSession(o, subj.clinicianId);
      const [first] = await queryPairs(o, subj);
      const [{ n }] = await o`select count(*)::int as n from patients`;
      const a = await measureRls(r, subj.clinicianId, subj.orgId, first.rls);
      const b = await measure(() => first.handWritten(o), N);
      growth.push({ patients: n, practicePatients: subj.orgPatients, panel: subj.panel, rls: a, handWritten: b });
      log(
        `   ${n.toLocaleString("en")} patients (practice ${subj.orgPatients}, panel ${subj.panel}): RLS p50 ${ms(a.p50)} ms, hand-written ${ms(b.p50)} ms`,
      );
      await o.end();
      await r.end();
    }
    results.growth = growth;
  }
} finally {
  await cluster.stop();
}

if (!args["skip-http"]) {
  log("3. Through the whole stack (production build, HTTP, second-process load)");
  const port = await freePort();
  const secret = "bench-only-secret-0123456789abcdef0123456789";
  const server = spawn("npx", ["tsx", "scripts/start.ts"], {
    env: {
      ...process.env,
      PORT: String(port),
      CAREROSTER_DATA_DIR: dataDir,
      CAREROSTER_DATABASE: args.database,
      CAREROSTER_SKIP_DEMO: "1",
      CAREROSTER_BENCH_BASELINE: "1",
      NEXTAUTH_SECRET: secret,
      NEXT_TELEMETRY_DISABLED: "1",
    },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if (i > 600) throw new Error("the server did not become healthy in 10 minutes");
      if (
        await fetch(`${base}/api/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const s = subject!;
    const cookie = await sessionCookie(
      { sub: s.clinicianId, sid: sessionOf.get(s.clinicianId), orgId: s.orgId },
      { secret },
    );
    const trpcUrl = `${base}/api/trpc/patients.list?input=${encodeURIComponent(JSON.stringify({ json: { limit: 20 } }))}`;
    const baseUrl = `${base}/api/bench-baseline?clinicianId=${s.clinicianId}&orgId=${s.orgId}&limit=20`;
    const load = (url: string, withCookie: boolean) => {
      const r = JSON.parse(
        execFileSync(
          "npx",
          ["tsx", "bench/load.ts", url, args["http-seconds"]!, args.connections!, withCookie ? cookie : ""],
          { encoding: "utf8" },
        )
          .trim()
          .split("\n")
          .pop()!,
      );
      // A throughput of failed requests is not a measurement.
      if (r.errors > 0) throw new Error(`${new URL(url).pathname} answered ${JSON.stringify(r.statuses)}`);
      return r;
    };
    load(trpcUrl, true); // warm up both paths before measuring
    load(baseUrl, false);
    const app = load(trpcUrl, true);
    const baseline = load(baseUrl, false);
    results.http = {
      connections: Number(args.connections),
      seconds: Number(args["http-seconds"]),
      patientsList: app,
      baseline,
      ratio: app.rps / baseline.rps,
    };
    log(
      `   patients.list: ${app.rps.toFixed(0)} req/s, p95 ${ms(app.p95)} ms, errors ${app.errors}; baseline: ${baseline.rps.toFixed(0)} req/s, p95 ${ms(baseline.p95)} ms; ratio ${(app.rps / baseline.rps).toFixed(2)}`,
    );
  } finally {
    process.kill(-server.pid!, "SIGTERM");
  }
}

writeFileSync(path.join(out, "results.json"), JSON.stringify(results, null, 2) + "\n");
writeFileSync(path.join(out, "results.md"), renderMarkdown(results));
log("Wrote bench/results.md and bench/results.json.");

function renderMarkdown(r: Record<string, unknown>): string {
  const d = r.dataset as Record<string, unknown> & {
    subject: { largestPracticePatients: number; clinicianPanel: number };
  };
  const lines = [
    "# Benchmark results",
    "",
    `Run ${r.at} on ${r.machine}; PostgreSQL ${d.postgres} (embedded). ${r.iterations} timed runs per query after 20 warm-up runs.`,
    "",
    `Dataset \`${d.database}\`: ${Number(d.patients).toLocaleString("en")} patients in ${d.orgs} practices, ${d.clinicians} clinicians, ${Number(d.care_team).toLocaleString("en")} care-team rows, ${Number(d.appointments).toLocaleString("en")} appointments, ${Number(d.notes).toLocaleString("en")} notes. Subject: the largest practice (${d.subject.largestPracticePatients.toLocaleString("en")} patients), its clinician with the median panel (${d.subject.clinicianPanel} patients), and its admin.`,
    "",
    "## 1. Policy overhead (RLS, no WHERE, runtime role) vs hand-written WHERE (owner)",
    "",
    "| query | RLS p50 ms | RLS p95 ms | hand-written p50 ms | hand-written p95 ms | ratio (p50) |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...(r.policyOverhead as { query: string; rls: Stats; handWritten: Stats; ratio: number }[]).map(
      (o) =>
        `| ${o.query} | ${ms(o.rls.p50)} | ${ms(o.rls.p95)} | ${ms(o.handWritten.p50)} | ${ms(o.handWritten.p95)} | ${o.ratio.toFixed(2)} |`,
    ),
    "",
    "Plans: `bench/explain/*.txt` (EXPLAIN (ANALYZE, BUFFERS) of both forms).",
    "",
  ];
  const c = r.contextOverhead as { bare: Stats; withContext: Stats; ratio: number };
  lines.push(
    "## 2. Context overhead (same runtime pool)",
    "",
    "| form | round trips | p50 ms | p95 ms |",
    "| --- | ---: | ---: | ---: |",
    `| bare \`select 1\` | 1 | ${ms(c.bare.p50)} | ${ms(c.bare.p95)} |`,
    `| \`BEGIN; set_config(…); select 1; COMMIT\` | 4 | ${ms(c.withContext.p50)} | ${ms(c.withContext.p95)} |`,
    "",
    `Ratio ${c.ratio.toFixed(2)}× at p50.`,
    "",
  );
  if (r.http) {
    const h = r.http as {
      connections: number;
      seconds: number;
      patientsList: Record<string, number>;
      baseline: Record<string, number>;
      ratio: number;
    };
    lines.push(
      "## 3. Whole stack over HTTP (production build, load from a second process on loopback)",
      "",
      `${h.connections} concurrent connections for ${h.seconds} s each.`,
      "",
      "| endpoint | req/s | p50 ms | p95 ms | errors |",
      "| --- | ---: | ---: | ---: | ---: |",
      `| \`patients.list\` (session, transaction, context, RLS, audit row) | ${h.patientsList.rps.toFixed(0)} | ${ms(h.patientsList.p50)} | ${ms(h.patientsList.p95)} | ${h.patientsList.errors} |`,
      `| baseline route (hand-written query, no session/transaction/policy) | ${h.baseline.rps.toFixed(0)} | ${ms(h.baseline.p50)} | ${ms(h.baseline.p95)} | ${h.baseline.errors} |`,
      "",
      `Throughput ratio ${h.ratio.toFixed(2)} (goal ≥ 0.8).`,
      "",
    );
  }
  if (r.growth) {
    lines.push(
      "## 4. Growth (clinician first page)",
      "",
      "| patients | practice size | panel | RLS p50 ms | hand-written p50 ms |",
      "| ---: | ---: | ---: | ---: | ---: |",
      ...(
        r.growth as { patients: number; practicePatients: number; panel: number; rls: Stats; handWritten: Stats }[]
      ).map(
        (g) =>
          `| ${g.patients.toLocaleString("en")} | ${g.practicePatients.toLocaleString("en")} | ${g.panel} | ${ms(g.rls.p50)} | ${ms(g.handWritten.p50)} |`,
      ),
      "",
    );
  }
  return lines.join("\n");
}
