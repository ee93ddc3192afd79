import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql as dsql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import postgres from "postgres";
import superjson from "superjson";
import { audit } from "@/server/audit/record";
import type { SessionKey } from "@/server/auth/sessions";
import { hashToken } from "@/server/auth/tokens";
import { createDb } from "@/server/db/client";
import { contextStatement, withRlsContext, type RlsContext } from "@/server/db/context";
import { startCluster, type Cluster } from "@/server/db/embedded";
import { migrate } from "@/server/db/migrate";
import { auditEvents } from "@/server/db/schema";
import { seedLarge } from "@/server/db/seed/large";
import { listPatients } from "@/server/patients/queries";
import { sessionCookie } from "@/tests/helpers/session-cookie";
import { writeCharts } from "./charts";
import { groupCommit } from "./group-commit";
import { BASELINE_PATH, TWIN_PATH } from "./baseline";
import { benchPort, databaseCpuMs, load, startBaseline, startServer, type BenchServer, type LoadResult } from "./http";
import { pickSubject, queryPairs, widePanel, type Subject } from "./queries";
import { renderMarkdown, updateReadme, type Results } from "./report";
import { writesPerRun } from "./round-trips";
import { measure, measureInterleaved, ms, spread } from "./stats";

// `npm run bench`: on the dataset `npm run db:seed:large` made (.data/large), measures what RLS
// costs against hand-written SQL, the request's round trips, the whole HTTP stack (a per-stage
// breakdown and a concurrency curve) and growth. Every comparison runs its two forms interleaved.
// Writes bench/results.{json,md}, bench/explain/*.txt, bench/*.svg and bench/README.md's table.
const { values: args } = parseArgs({
  options: {
    database: { type: "string", default: "careroster_large" },
    iterations: { type: "string", default: "200" },
    "http-seconds": { type: "string", default: "5" },
    "skip-http": { type: "boolean", default: false },
    "skip-growth": { type: "boolean", default: false },
    "render-only": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (args.help) {
  console.log(`npm run bench -- [options]   (after npm run db:seed:large)
  --database <name>      the 1M-patient database (default careroster_large)
  --iterations <n>       samples per measurement (default 200)
  --http-seconds <s>     seconds per HTTP load run (default 5)
  --skip-http            no HTTP measurements (the app and the hand-written baseline server)
  --skip-growth          no growth measurement (10k and 100k databases)
  --render-only          rewrite results.md, the charts and bench/README.md's table from results.json`);
  process.exit(0);
}
const N = Number(args.iterations);
const out = path.join(process.cwd(), "bench");

// `--render-only`: the markdown, charts and bench/README.md's table again from bench/results.json (the same run).
if (args["render-only"]) {
  await publish(JSON.parse(readFileSync(path.join(out, "results.json"), "utf8")) as Results);
  process.exit(0);
}

/** results.json, results.md, the charts and bench/README.md's table, from one run's results. */
async function publish(r: Results) {
  writeFileSync(path.join(out, "results.json"), JSON.stringify(r, null, 2) + "\n");
  writeFileSync(path.join(out, "results.md"), renderMarkdown(r));
  await writeCharts(r, out);
  await updateReadme(path.join(process.cwd(), "bench", "README.md"), r);
}
const HTTP_SECONDS = Number(args["http-seconds"]);
const CONNECTIONS = [1, 8, 32, 64];
const ROUNDS = 3;
const dataDir = path.join(process.cwd(), ".data", "large");
mkdirSync(path.join(out, "explain"), { recursive: true });
const started = performance.now();
const log = (line: string) =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

/** A live server-side session per user (as sign-in creates), so the context statement enters a real one. */
async function startSession(owner: postgres.Sql, userId: string, orgId: string): Promise<SessionKey> {
  const secret = randomBytes(32).toString("base64url");
  const [row] = await owner`insert into sessions (user_id, org_id, methods, user_agent, token_hash)
    values (${userId}, ${orgId}, '{password}', 'bench', ${hashToken(secret)}) returning id`;
  return { sessionId: row.id as string, secret };
}

const dialect = new PgDialect();

/** The app's context statement (server/db/context.ts) on a raw postgres.js transaction. */
async function setContext(tx: postgres.TransactionSql, ctx: RlsContext) {
  const { sql: text, params } = dialect.sqlToQuery(contextStatement(ctx));
  await tx.unsafe(text, params as never[]);
}

/** The EXPLAIN (ANALYZE, BUFFERS) of both forms of a pair, into bench/explain/<slug>.{rls,hand-written}.txt. */
async function explain(
  rt: postgres.Sql,
  owner: postgres.Sql,
  ctx: RlsContext,
  pair: Awaited<ReturnType<typeof queryPairs>>[number],
) {
  const slug = pair.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
  const explaining = <T extends postgres.Sql | postgres.TransactionSql>(q: T): T =>
    new Proxy(q, {
      get: (t, k) =>
        k === "unsafe"
          ? (text: string, params?: never[]) => t.unsafe(`explain (analyze, buffers) ${text}`, params)
          : Reflect.get(t, k),
    });
  const text = (rows: unknown) => (rows as { "QUERY PLAN": string }[]).map((r) => r["QUERY PLAN"]).join("\n") + "\n";
  const rls = await rt.begin(async (tx) => {
    await setContext(tx, ctx);
    return pair.rls(explaining(tx));
  });
  writeFileSync(path.join(out, "explain", `${slug}.rls.txt`), text(rls));
  writeFileSync(path.join(out, "explain", `${slug}.hand-written.txt`), text(await pair.handWritten(explaining(owner))));
}

/**
 * The plans inside the list's definer functions (app_list_page_ids, app_list_total), which the
 * query's own EXPLAIN shows as one opaque call: auto_explain's nested plans, on the owner's
 * connection (the functions run as the owner whoever calls them) in the caller's context.
 */
async function explainListFunctions(key: SessionKey, slug: string) {
  const plans: string[] = [];
  const notes = postgres(cluster.ownerUrl(args.database), {
    max: 1,
    onnotice: (n) => plans.push(n.message),
  });
  try {
    await notes.begin(async (tx) => {
      await tx`select live from app_context_enter(${key.sessionId}::uuid, ${key.secret})`;
      await tx`select app_list_page_ids(null, null, null, 21), app_list_total()`; // warm
      await tx.unsafe(`load 'auto_explain'`);
      for (const setting of [
        "log_min_duration = 0",
        "log_nested_statements = on",
        "log_analyze = on",
        "log_buffers = on",
        "log_level = notice",
      ])
        await tx.unsafe(`set local auto_explain.${setting}`);
      await tx`select app_list_page_ids(null, null, null, 21)`;
      await tx`select app_list_total()`;
    });
  } finally {
    await notes.end();
  }
  // The identity functions' own small plans are left out: the list's two statements are what matter.
  const kept = plans.filter((p) =>
    /app_list_page_ids|app_list_total|WITH caller|CASE WHEN public.app_is_admin/.test(p),
  );
  writeFileSync(path.join(out, "explain", `${slug}.txt`), kept.join("\n\n") + "\n");
}

async function ensureDataset(
  cluster: Cluster,
  database: string,
  size: { patients: number; orgs: number; clinicians: number },
) {
  const admin = postgres(cluster.ownerUrl("postgres"), { max: 1, onnotice: () => {} });
  const [exists] = await admin`select 1 from pg_database where datname = ${database}`;
  if (!exists) await admin`create database ${admin(database)}`;
  await admin.end();
  await migrate(cluster.ownerUrl(database), cluster.runtimeUrl(database), cluster.authUrl(database));
  const owner = postgres(cluster.ownerUrl(database), { max: 1 });
  const [{ n }] = await owner`select count(*)::int as n from patients`;
  await owner.end();
  if (n === 0) {
    log(`   seeding ${database} (${size.patients.toLocaleString("en")} patients)…`);
    await seedLarge(cluster.ownerUrl(database), { ...size, log: () => {} });
  }
}

const results: Results = {
  machine: `${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`,
  load: { start: os.loadavg()[0], end: 0 },
  iterations: N,
  at: new Date().toISOString(),
} as Results;

let subject: Subject | undefined;
const sessions = new Map<string, SessionKey>();
const cluster = await startCluster(path.join(dataDir, "pg"), { persistent: true, port: await benchPort() });
try {
  log(`Migrating ${args.database} (the policies under test are the current ones)…`);
  await migrate(cluster.ownerUrl(args.database), cluster.runtimeUrl(args.database), cluster.authUrl(args.database));
  const owner = postgres(cluster.ownerUrl(args.database), { max: 2, onnotice: () => {} });
  // A migration that rewrote rows leaves the visibility map behind; index-only scans need it.
  await owner`vacuum (analyze) care_team, patients`;
  const rt = postgres(cluster.runtimeUrl(args.database), { max: 2, onnotice: () => {} });
  const [{ version }] = await owner`select current_setting('server_version') as version`;
  const [{ patients }] = await owner`select count(*)::int as patients from patients`;
  if (patients === 0) throw new Error(`no data in ${args.database}: run npm run db:seed:large first`);
  const [sizes] =
    await owner`select (select count(*)::int from organizations) as orgs, (select count(*)::int from memberships where role = 'clinician') as clinicians,
    (select count(*)::int from care_team) as care_team, (select count(*)::int from appointments) as appointments, (select count(*)::int from clinical_notes) as notes`;
  const s = (subject = await pickSubject(owner));
  for (const user of [s.clinicianId, s.adminId]) sessions.set(user, await startSession(owner, user, s.orgId));
  const as = (userId: string): RlsContext => ({ kind: "session", ...sessions.get(userId)! });
  results.dataset = {
    database: args.database,
    patients,
    orgs: sizes.orgs,
    clinicians: sizes.clinicians,
    careTeam: sizes.care_team,
    appointments: sizes.appointments,
    notes: sizes.notes,
    postgres: version,
    subject: { largestPracticePatients: s.orgPatients, clinicianPanel: s.panel },
  };
  log(
    `Dataset: ${patients.toLocaleString("en")} patients, ${sizes.orgs} practices; subject: practice of ${s.orgPatients.toLocaleString("en")}, clinician panel ${s.panel}.`,
  );

  log("1/4 Policy overhead: each query under RLS (runtime role, no WHERE) and hand-written (owner), interleaved");
  results.noise = { select1: await measure(() => rt`select 1`, N) };
  log(`   noise: select 1 p50 ${ms(results.noise.select1.p50)} ms`);
  results.policyOverhead = [];
  for (const pair of await queryPairs(owner, s)) {
    const ctx = as(pair.asAdmin ? s.adminId : s.clinicianId);
    const [a, b] = await rt.begin(async (tx) => {
      await setContext(tx, ctx);
      return measureInterleaved([() => pair.rls(tx), () => pair.handWritten(owner)], N);
    });
    await explain(rt, owner, ctx, pair);
    results.policyOverhead.push({ query: pair.name, rls: a, handWritten: b, ratio: a.p50 / b.p50 });
    log(`   ${pair.name}: RLS p50 ${ms(a.p50)} ms, hand-written ${ms(b.p50)} ms, ratio ${(a.p50 / b.p50).toFixed(2)}`);
  }

  await explainListFunctions(sessions.get(s.clinicianId)!, "clinician-list-query-1-inside-the-functions");
  log("2/4 Round trips of a request's transaction (the app's own code on the runtime pool)");
  const db = createDb(cluster.runtimeUrl(args.database), { max: 2, applicationName: "careroster-bench" });
  const ctx = as(s.clinicianId);
  const auditCtx = (tx: Parameters<typeof audit>[0]["tx"]) => ({
    tx,
    userId: s.clinicianId,
    orgId: s.orgId,
    requestId: crypto.randomUUID(),
  });
  const row = { action: "patient.list" as const, detail: { patientIds: [] } };
  // Before #16: BEGIN, the context statement, the two-factor gate's own query, the handler's query,
  // the audit insert and COMMIT, each awaited in turn.
  const before = () =>
    db.transaction(async (tx) => {
      await tx.execute(contextStatement(ctx));
      await tx.execute(dsql`select app_mfa_enrollment_required(${sessions.get(s.clinicianId)!.sessionId}::uuid)`);
      await tx.execute(dsql`select 1`);
      await tx.insert(auditEvents).values({
        orgId: s.orgId,
        actorId: s.clinicianId,
        action: row.action,
        entity: "patient",
        requestId: crypto.randomUUID(),
        detail: row.detail,
      });
    });
  // Now: withRlsContext pipelines BEGIN, the context (which also answers the gate) and the first
  // query; the audit row goes with COMMIT.
  const after = () =>
    withRlsContext(db, ctx, async (tx) => {
      await tx.execute(dsql`select 1`);
      await audit(auditCtx(tx), row);
    });
  const bare = () => db.$client`select 1`;
  const forms = [
    { name: "bare `select 1` (no transaction, no context)", fn: bare },
    { name: "before: BEGIN · context · 2FA gate · select 1 · audit insert · COMMIT, each awaited", fn: before },
    { name: "now: [BEGIN + context + select 1] · [audit insert + COMMIT]", fn: after },
  ];
  const timings = await measureInterleaved(
    forms.map((f) => f.fn),
    N,
  );
  results.roundTrips = [];
  for (const [i, form] of forms.entries()) {
    const writes = await writesPerRun(cluster.port, form.fn);
    results.roundTrips.push({ form: form.name, writes, time: timings[i] });
    log(`   ${form.name}: ${writes} network writes, p50 ${ms(timings[i].p50)} ms`);
  }
  // Node CPU candidates: the response's serialization (tRPC's superjson transformer vs plain JSON)
  // of a real page, as listPatients answers it.
  const page = await withRlsContext(db, ctx, (tx) =>
    listPatients(tx, { limit: 20, sort: "name", includeArchived: false }),
  );
  const [withSuperjson, withJson] = await measureInterleaved(
    [async () => JSON.stringify(superjson.serialize(page)), async () => JSON.stringify(page)],
    N * 5,
  );
  results.serialization = { superjson: withSuperjson, json: withJson };
  log(`   serializing one page: superjson p50 ${ms(withSuperjson.p50)} ms, JSON ${ms(withJson.p50)} ms`);
  await db.$client.end();
  log("   group commit: 32 concurrent audited transactions, commit_delay 0 vs 200 µs, 3 rounds of 3 s each…");
  results.groupCommit = await groupCommit({
    superuser: owner,
    runtimeUrl: cluster.runtimeUrl(args.database),
    database: args.database,
    ctx,
    actor: { userId: s.clinicianId, orgId: s.orgId },
    workers: 32,
    seconds: 3,
    rounds: 3,
    commitDelayMicros: 200,
  });
  const g = results.groupCommit;
  log(
    `   transactions/s: ${g.off.median.toFixed(0)} without, ${g.on.median.toFixed(0)} with; ratio ${g.ratio.median.toFixed(2)} (${g.ratio.min.toFixed(2)}–${g.ratio.max.toFixed(2)})`,
  );
  await owner.end();
  await rt.end();

  if (!args["skip-growth"]) {
    log(
      "4/4 Growth: query 1 at 10k, 100k and 1M patients, a 10,000-patient panel and the network admin list, interleaved",
    );
    results.growth = [];
    for (const [database, size] of [
      ["careroster_10k", { patients: 10_000, orgs: 10, clinicians: 20 }],
      ["careroster_100k", { patients: 100_000, orgs: 20, clinicians: 200 }],
      [args.database, null],
    ] as const) {
      if (size) await ensureDataset(cluster, database, size);
      const o = postgres(cluster.ownerUrl(database), { max: 1, onnotice: () => {} });
      const r = postgres(cluster.runtimeUrl(database), { max: 1, onnotice: () => {} });
      const subj = await pickSubject(o);
      const key = await startSession(o, subj.clinicianId, subj.orgId);
      const [first] = await queryPairs(o, subj);
      const [{ n }] = await o`select count(*)::int as n from patients`;
      const [a, b] = await r.begin(async (tx) => {
        await setContext(tx, { kind: "session", ...key });
        return measureInterleaved([() => first.rls(tx), () => first.handWritten(o)], N);
      });
      const entry = { patients: n, practicePatients: subj.orgPatients };
      results.growth.push({
        ...entry,
        label: `${n.toLocaleString("en")}, the median panel`,
        panel: subj.panel,
        rls: a,
        handWritten: b,
      });
      const [sizesOf] =
        await o`select (select count(*)::int from organizations) as orgs, (select count(*)::int from memberships where role = 'clinician') as clinicians`;
      log(
        `   ${n.toLocaleString("en")} patients (panel ${subj.panel}): RLS p50 ${ms(a.p50)} ms, hand-written ${ms(b.p50)} ms`,
      );
      if (size === null) {
        // At 1M: a 10,000-patient panel, and the admin's list at the largest practice of the
        // 100-practice network.
        const wide = await widePanel(o, subj, 10_000);
        const wideKey = await startSession(o, wide.clinicianId, wide.orgId);
        const [wideFirst] = await queryPairs(o, wide);
        const [c, d] = await r.begin(async (tx) => {
          await setContext(tx, { kind: "session", ...wideKey });
          return measureInterleaved([() => wideFirst.rls(tx), () => wideFirst.handWritten(o)], N);
        });
        results.growth.push({
          ...entry,
          label: "1M, a 10,000-patient panel",
          panel: wide.panel,
          rls: c,
          handWritten: d,
        });
        log(`   10,000-patient panel: RLS p50 ${ms(c.p50)} ms, hand-written ${ms(d.p50)} ms`);
        const adminKey = await startSession(o, subj.adminId, subj.orgId);
        const adminList = (await queryPairs(o, subj)).find((p) => p.asAdmin)!;
        const [e, f] = await r.begin(async (tx) => {
          await setContext(tx, { kind: "session", ...adminKey });
          return measureInterleaved([() => adminList.rls(tx), () => adminList.handWritten(o)], N);
        });
        results.growth.push({
          ...entry,
          label: `1M, the admin list at the largest practice (${sizesOf.orgs} practices, ${sizesOf.clinicians} clinicians)`,
          panel: subj.orgPatients,
          rls: e,
          handWritten: f,
        });
        log(`   network admin list: RLS p50 ${ms(e.p50)} ms, hand-written ${ms(f.p50)} ms`);
      }
      await o.end();
      await r.end();
    }
  }
} finally {
  await cluster.stop();
}

type Cpu = { app: number; database: number };
/** The three servers of the HTTP comparison: the app, its unguarded twin, the bare baseline. */
type Route = "app" | "twin" | "baseline";
const ROUTES: Route[] = ["app", "twin", "baseline"];

if (!args["skip-http"]) {
  const s = subject!;
  const secret = "bench-only-secret-0123456789abcdef0123456789";
  const cookie = await sessionCookie(
    {
      sub: s.clinicianId,
      sid: sessions.get(s.clinicianId)!.sessionId,
      sst: sessions.get(s.clinicianId)!.secret,
      orgId: s.orgId,
    },
    { secret },
  );
  const trpcPath = `/api/trpc/patients.list?input=${encodeURIComponent(JSON.stringify({ json: { limit: 20 } }))}`;
  const handQuery = `?clinicianId=${s.clinicianId}&orgId=${s.orgId}&limit=20`;
  // One cluster for all servers: the app (`npm start` on it) and the hand-written twin and
  // baseline (one process of their own, bench/baseline-server.ts, on the owner's connection).
  const pg = await startCluster(path.join(dataDir, "pg"), { persistent: true, port: await benchPort() });
  const database = {
    runtimeUrl: pg.runtimeUrl(args.database),
    authUrl: pg.authUrl(args.database),
    ownerUrl: pg.ownerUrl(args.database),
  };
  const server = { dataDir, database, secret };
  let yardstick: BenchServer | undefined;
  try {
    yardstick = await startBaseline(database);
    const handWritten = yardstick;
    const url = (app: BenchServer, route: Route) =>
      route === "app"
        ? app.base + trpcPath
        : `${handWritten.base}${route === "twin" ? TWIN_PATH : BASELINE_PATH}${handQuery}`;
    const run = (app: BenchServer, route: Route, seconds: number, connections: number) =>
      load(url(app, route), seconds, connections, route === "app" ? cookie : "");

    log("3/4 Whole stack over HTTP (production build, load from a second process)");
    log("   per-stage breakdown: 1 connection, Server-Timing on…");
    const timed = await startServer({ ...server, serverTiming: true });
    try {
      await run(timed, "app", 3, 1);
      const app = await run(timed, "app", HTTP_SECONDS * 2, 1);
      const twin = await run(timed, "twin", HTTP_SECONDS * 2, 1);
      const baseline = await run(timed, "baseline", HTTP_SECONDS * 2, 1);
      results.breakdown = { app, twin, baseline };
      log(
        `   stages (p50 ms): ${Object.entries(app.stages)
          .map(([k, v]) => `${k} ${ms(v)}`)
          .join(", ")}; end to end ${ms(app.p50)} vs twin ${ms(twin.p50)} vs baseline ${ms(baseline.p50)}`,
      );
    } finally {
      await timed.stop();
    }

    log(
      `   concurrency curve: ${CONNECTIONS.join(", ")} connections, ${ROUNDS} rounds each rotating the order of app, twin and baseline, ${HTTP_SECONDS} s per run…`,
    );
    const plain = await startServer({ ...server, serverTiming: false });
    try {
      for (const route of ROUTES) await run(plain, route, 3, 8);
      results.curve = [];
      for (const connections of CONNECTIONS) {
        // CPU per request, by process: what the serving process (the app's, or the hand-written
        // server's; the other idles) and the database spent on one request.
        const cpu = (): Cpu => ({ app: plain.cpuMs() + handWritten.cpuMs(), database: databaseCpuMs() });
        const rounds: Record<Route, { result: LoadResult; cpu: Cpu }>[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const order = ROUTES.map((_, i) => ROUTES[(i + round) % ROUTES.length]);
          const measured = {} as Record<Route, { result: LoadResult; cpu: Cpu }>;
          for (const route of order) {
            const before = cpu();
            const result = await run(plain, route, HTTP_SECONDS, connections);
            const after = cpu();
            measured[route] = {
              result,
              cpu: {
                app: (after.app - before.app) / result.requests,
                database: (after.database - before.database) / result.requests,
              },
            };
          }
          rounds.push(measured);
        }
        const mid = (pick: (r: (typeof rounds)[number]) => number) => spread(rounds.map(pick)).median;
        const side = (route: Route) => ({
          rps: mid((r) => r[route].result.rps),
          p50: mid((r) => r[route].result.p50),
          p95: mid((r) => r[route].result.p95),
          cpu: { app: mid((r) => r[route].cpu.app), database: mid((r) => r[route].cpu.database) },
        });
        const point = {
          connections,
          app: side("app"),
          twin: side("twin"),
          baseline: side("baseline"),
          ratio: spread(rounds.map((r) => r.app.result.rps / r.baseline.result.rps)),
          twinRatio: spread(rounds.map((r) => r.app.result.rps / r.twin.result.rps)),
          rssMiB: plain.rssMiB(),
        };
        results.curve.push(point);
        const cpuText = (c: Cpu) => `${ms(c.app)} + ${ms(c.database)}`;
        log(
          `   ${connections} connections: patients.list ${point.app.rps.toFixed(0)} req/s (p95 ${ms(point.app.p95)} ms), twin ${point.twin.rps.toFixed(0)}, baseline ${point.baseline.rps.toFixed(0)}; vs twin ${point.twinRatio.median.toFixed(2)} (${point.twinRatio.min.toFixed(2)}–${point.twinRatio.max.toFixed(2)}), vs baseline ${point.ratio.median.toFixed(2)} (${point.ratio.min.toFixed(2)}–${point.ratio.max.toFixed(2)}); CPU ms/request (app + database) ${cpuText(point.app.cpu)}, twin ${cpuText(point.twin.cpu)}, baseline ${cpuText(point.baseline.cpu)}; app RSS ${point.rssMiB.toFixed(0)} MiB`,
        );
      }
    } finally {
      await plain.stop();
    }
  } finally {
    await yardstick?.stop();
    await pg.stop();
  }
}

results.seconds = (performance.now() - started) / 1000;
results.load.end = os.loadavg()[0];
await publish(results);
log("Wrote bench/results.md, bench/results.json, bench/growth.svg, bench/concurrency.svg and bench/README.md's table.");
