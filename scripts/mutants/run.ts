import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { prepareDatabase } from "@/server/db/bootstrap";
import { EQUIVALENT } from "@/tests/mutants/equivalent";
import { runCli } from "@/scripts/cli";
import { readCatalog } from "./catalog";
import { type Coverage, catalogReferences, reached, type Statement, statementProxy } from "./coverage";
import { generateMutants, type Mutant } from "./operators";
import { SECURITY_DIRS, securityTests, stagesFor, type TestFile } from "./select";

// `npm run test:mutants`: break the boundary one plausible mistake at a time and check that the
// security part of the suite notices. Each mutant is applied to a fresh copy (CREATE DATABASE …
// TEMPLATE) of the migrated, seeded database; the suite runs against that copy and stops at its
// first failing test, which is the test that killed the mutant.
//   --sample N   a fixed sample: the N mutants whose ids hash lowest (with --seed S: hashed with S)
//   --only TEXT  the mutants whose id contains TEXT (repeatable: any of them)
//   --workers N  mutants tested at once, each on its own copy (default 2)
//   --resume     keep the results of an earlier full run (.data/mutants/results.jsonl), run the rest
//   --list       print the chosen mutants' ids, running nothing
//   --report     rewrite tests/mutants/report.md from the results so far, without running anything
// A full run (no --sample, no --only) rewrites tests/mutants/report.md.

const TEMPLATE = "careroster_mutants";
const PER_STAGE_MS = 10 * 60_000;
const FULL_DIR = path.join(process.cwd(), ".data", "mutants");
/** A sample or --only run works in a directory (and on a server) of its own, so it can run beside a full run. */
let DIR = FULL_DIR;
const RESULTS = path.join(FULL_DIR, "results.jsonl");
const REPORT = path.join("tests", "mutants", "report.md");

type Outcome = { result: "killed"; by: string } | { result: "survived" } | { result: "invalid"; why: string };
interface Row {
  id: string;
  o: Outcome;
  seconds: number;
}
interface Urls {
  runtime: string;
  auth: string;
  owner: string;
}

const withDatabase = (url: string, database: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

const withPort = (url: string, port: number) => {
  const u = new URL(url);
  u.port = String(port);
  return u.toString();
};

const hash = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * The mutants to run, in hash order: a sample is the first N not documented as equivalent, and a
 * full run stopped early has run a sample of the same kind rather than the first tables of the alphabet.
 */
function pick(all: Mutant[], sample?: number, only?: string[], seed?: string): Mutant[] {
  const key = (m: Mutant) => hash(seed === undefined ? m.id : `${seed}:${m.id}`);
  const shuffled = [...all].sort((a, b) => key(a).localeCompare(key(b)));
  if (only) return shuffled.filter((m) => only.some((o) => m.id.includes(o)));
  // A documented equivalent can only survive, after every test that can reach it, which only confirms
  // its reason: a sample leaves them out, and a full run comes to them last.
  const open = shuffled.filter((m) => !EQUIVALENT[m.id]);
  return sample === undefined ? [...open, ...shuffled.filter((m) => EQUIVALENT[m.id])] : open.slice(0, sample);
}

/** The first failing test of a Vitest JSON report, as "file › test name" (with its message when `why`). */
function firstFailure(reportFile: string, why = false): string | null {
  let report: {
    testResults: {
      name: string;
      status: string;
      message?: string;
      assertionResults: { status: string; fullName: string; failureMessages?: string[] }[];
    }[];
  };
  try {
    report = JSON.parse(readFileSync(reportFile, "utf8"));
  } catch {
    return null;
  }
  for (const file of report.testResults) {
    const rel = path.relative(process.cwd(), file.name);
    const failed = file.assertionResults.find((t) => t.status === "failed");
    const message = why ? `: ${(failed?.failureMessages?.[0] ?? file.message ?? "").slice(0, 2000)}` : "";
    if (failed) return `${rel} › ${failed.fullName}${message}`;
    if (file.status === "failed") return `${rel} (the file failed to run)${message}`;
  }
  return null;
}

async function recreateCopy(serverUrl: string, copy: string) {
  const admin = postgres(withDatabase(serverUrl, "postgres"), { max: 1, onnotice: () => {} });
  try {
    await admin`drop database if exists ${admin(copy)} with (force)`;
    await admin`create database ${admin(copy)} template ${admin(TEMPLATE)}`;
    // A copy takes the template's objects but not its database-level owner and privileges (the
    // migrations revoke TEMPORARY from PUBLIC): those are copied over, or the copy is weaker than the app's.
    const statements = await admin<{ stmt: string }[]>`
      select format('alter database %I owner to %I', ${copy}::text, pg_get_userbyid(d.datdba)) as stmt
        from pg_database d where d.datname = ${TEMPLATE}
      union all select format('revoke all on database %I from public', ${copy}::text)
      union all
      select format('grant %s on database %I to %s', a.privilege_type, ${copy}::text,
                    case when a.grantee = 0 then 'public' else quote_ident(pg_get_userbyid(a.grantee)) end)
        from pg_database d, aclexplode(d.datacl) a where d.datname = ${TEMPLATE}`;
    for (const { stmt } of statements) await admin.unsafe(stmt);
  } finally {
    await admin.end();
  }
}

async function apply(ownerUrl: string, m: Mutant): Promise<string | null> {
  const sql = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.begin((tx) => tx.unsafe(m.sql));
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await sql.end();
  }
}

/** One Vitest run over `files` in that order, stopped at the first failing test (`why`: with its message). */
function runStage(files: string[], urls: Urls, worker: number, why = false): Promise<Outcome> {
  const reportFile = path.join(DIR, `vitest-${worker}.json`);
  rmSync(reportFile, { force: true });
  const child = spawn("npx", ["vitest", "run", ...files, "--bail=1", "--reporter=json", `--outputFile=${reportFile}`], {
    stdio: "ignore",
    detached: true,
    env: {
      ...process.env,
      DATABASE_URL: urls.runtime,
      DATABASE_AUTH_URL: urls.auth,
      DATABASE_OWNER_URL: urls.owner,
      CAREROSTER_TEST_DATABASE_READY: "1",
      CAREROSTER_MAIL_DIR: path.join(DIR, `mail-${worker}`),
      MUTANT_TEST_ORDER: JSON.stringify(files),
      // The isolation property replays one fixed set of worlds, so a verdict is repeatable.
      ISOLATION_SEED: "20261206",
      ISOLATION_RUNS: "30",
    },
  });
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid!, "SIGKILL");
    }, PER_STAGE_MS);
    child.on("exit", (status, signal) => {
      clearTimeout(timer);
      if (timedOut)
        return resolve({ result: "killed", by: `the tests did not finish in ${PER_STAGE_MS / 60_000} minutes` });
      // Stopped from outside: no verdict, and none recorded.
      if (signal) {
        console.error(`The tests were stopped (${signal}); the run ends here.`);
        process.exit(1);
      }
      const by = firstFailure(reportFile, why);
      if (status === 0 && !by) return resolve({ result: "survived" });
      resolve({ result: "killed", by: by ?? `the tests exited with ${status}` });
    });
  });
}

async function runStages(stages: string[][], urls: Urls, worker: number): Promise<Outcome> {
  for (const files of stages.filter((s) => s.length > 0)) {
    const o = await runStage(files, urls, worker);
    if (o.result !== "survived") return o;
  }
  return { result: "survived" };
}

function readResults(): Map<string, Row> {
  const rows = new Map<string, Row>();
  if (!existsSync(RESULTS)) return rows;
  for (const line of readFileSync(RESULTS, "utf8").split("\n").filter(Boolean)) {
    const row = JSON.parse(line) as Row;
    rows.set(row.id, row);
  }
  return rows;
}

const minutes = (seconds: number) => `${(seconds / 60).toFixed(0)} min`;

/** The sample `.ci/run` runs (`--sample 8 --seed ci`). */
const CI_SAMPLE = { size: 8, seed: "ci" };

const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : 0);

/** Time on this machine, from the seconds each mutant took (its copy, its DDL and its tests) on one of the copies. */
function timing(all: Mutant[], results: Map<string, Row>, workers: number): string[] {
  const rows = [...results.values()].filter((r) => all.some((m) => m.id === r.id));
  if (rows.length === 0) return [];
  const killed = rows.filter((r) => r.o.result !== "survived").map((r) => r.seconds);
  const survived = rows.filter((r) => r.o.result === "survived").map((r) => r.seconds);
  // The projection takes the mean: a few slow survivors weigh on the whole run more than the median says.
  const perMutant = rows.reduce((n, r) => n + r.seconds, 0) / rows.length;
  const sample = pick(all, CI_SAMPLE.size, undefined, CI_SAMPLE.seed).map((m) => results.get(m.id));
  const sampleSeconds = sample.every(Boolean) ? sample.reduce((n, r) => n + r!.seconds, 0) / workers : null;
  return [
    "## Time on this machine (2 cores)",
    "",
    `- A killed mutant takes ${median(killed)} s (median of ${killed.length}), a survivor ${median(survived)} s (median of ${survived.length}: it meets every security file that can reach it).`,
    `- The full set, ${all.length} mutants on ${workers} copies at these rates: about ${((all.length * perMutant) / workers / 3600).toFixed(1)} h.`,
    sampleSeconds === null
      ? `- The CI sample (\`--sample ${CI_SAMPLE.size} --seed ${CI_SAMPLE.seed}\`) has not run here yet.`
      : `- The CI sample (\`--sample ${CI_SAMPLE.size} --seed ${CI_SAMPLE.seed}\`): about ${minutes(sampleSeconds)} of mutants, plus the template and the check of its killing tests on an unmutated copy (docs/mutation-testing.md has the measured total).`,
    "",
  ];
}

function report(all: Mutant[], results: Map<string, Row>, wallSeconds: number | null, workers: number): string {
  const rows = all.filter((m) => results.has(m.id)).map((m) => ({ m, o: results.get(m.id)!.o }));
  const count = (r: Outcome["result"]) => rows.filter((x) => x.o.result === r).length;
  const survivors = rows.filter((x) => x.o.result === "survived");
  const equivalent = survivors.filter((x) => EQUIVALENT[x.m.id]);
  const valid = rows.length - count("invalid");
  const score = valid === 0 ? 0 : (100 * (count("killed") + equivalent.length)) / valid;
  const cell = (s: string) => s.replaceAll("|", "\\|");
  const lines = [
    "# Mutation testing of the boundary",
    "",
    "Generated by `npm run test:mutants` (scripts/mutants/): every policy, RLS flag, definer function and",
    "rule-enforcing trigger of the migrated database, mutated one at a time; the security part of the suite",
    `(${SECURITY_DIRS.map((s) => `\`${s}\``).join(", ")}) run against each mutant: every file whose`,
    "statements can reach what it changes (docs/mutation-testing.md), those that name it first, stopped at",
    "its first failing test.",
    "",
    rows.length === all.length
      ? `All ${all.length} mutants ran.`
      : `**${rows.length} of the ${all.length} mutants ran**; the other ${all.length - rows.length} did not (\`npm run test:mutants -- --resume\` runs them).`,
    ...(wallSeconds === null ? [] : ["", `The run took ${minutes(wallSeconds)} on this machine (2 cores).`]),
    "",
    `| mutants | killed | survived (equivalent) | not applicable | score |`,
    `| --- | --- | --- | --- | --- |`,
    `| ${rows.length} | ${count("killed")} | ${survivors.length} (${equivalent.length}) | ${count("invalid")} | ${score.toFixed(1)} % |`,
    "",
    `survived (not equivalent): ${survivors.length - equivalent.length}`,
    "",
    ...timing(all, results, workers),
    "## Survivors",
    "",
    ...(survivors.length === 0
      ? ["None."]
      : survivors.map(
          (x) =>
            `- \`${x.m.id}\` (${x.m.location}): ${EQUIVALENT[x.m.id] ?? "NOT EQUIVALENT: needs a test that kills it."}`,
        )),
    "",
    "## Every mutant",
    "",
    "| mutant | where | operator | result | first test that failed |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map(
      (x) =>
        `| \`${cell(x.m.id)}\` | ${cell(x.m.location)} | ${x.m.operator} | ${x.o.result} | ${cell(x.o.result === "killed" ? x.o.by : x.o.result === "invalid" ? x.o.why : "")} |`,
    ),
    "",
  ];
  return lines.join("\n");
}

/** Hands each of `items` to `fn` on one of `workers` copies at once; worker `w` owns `careroster_mutant_<w>`. */
async function onCopies<T>(items: T[], workers: number, fn: (item: T, w: number, copy: string) => Promise<void>) {
  let next = 0;
  const worker = async (w: number) => {
    while (next < items.length) await fn(items[next++], w, `careroster_mutant_${w}`);
  };
  await Promise.all(Array.from({ length: Math.min(workers, items.length) }, (_, w) => worker(w)));
}

/** Tests `queue` on `workers` copies at once; each result is printed and handed to `done`. */
async function testAll(
  queue: Mutant[],
  workers: number,
  serverUrl: string,
  urlsOf: (copy: string) => Urls,
  tests: TestFile[],
  coverage: Coverage | undefined,
  done: (row: Row) => void,
) {
  let finished = 0;
  const started = Date.now();
  await onCopies(queue, workers, async (m, w, copy) => {
    const urls = urlsOf(copy);
    const t0 = Date.now();
    await recreateCopy(serverUrl, copy);
    const why = await apply(urls.owner, m);
    const o: Outcome = why ? { result: "invalid", why } : await runStages(stagesFor(m, tests, coverage), urls, w);
    const row = { id: m.id, o, seconds: Math.round((Date.now() - t0) / 1000) };
    done(row);
    finished++;
    const rate = finished / ((Date.now() - started) / 60_000);
    const detail =
      o.result === "killed" ? o.by : o.result === "invalid" ? o.why : EQUIVALENT[m.id] ? "equivalent" : "NOT KILLED";
    console.log(
      `[${finished}/${queue.length}, ${rate.toFixed(1)}/min] ${o.result.padEnd(8)} ${m.id} (${row.seconds} s) ${detail}`,
    );
  });
}

/** Everything a file's statements can depend on: the tests, their helpers, the server code and the migrations. */
function coverageKey(tests: TestFile[]): string {
  const h = createHash("sha256");
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (/\.(ts|tsx|sql|mjs)$/.test(name)) h.update(file).update(readFileSync(file));
    }
  };
  for (const dir of ["server", "drizzle", "tests/helpers", "scripts/mutants"]) walk(dir);
  for (const t of tests) h.update(t.path).update(t.text);
  return h.digest("hex");
}

/**
 * Runs each security file alone on an unmutated copy behind a statement proxy and records what its
 * statements reach (coverage.ts) and how long it took. Kept in .data/mutants/coverage.json until the
 * code it depends on changes. Measured for a full run only: a sample or --only run uses it when it is
 * current and otherwise sends every mutant to every file (its mutants are few and meant to die).
 */
async function measureCoverage(
  tests: TestFile[],
  workers: number,
  serverUrl: string,
  urlsOf: (copy: string) => Urls,
  measure: boolean,
): Promise<Coverage | undefined> {
  const file = path.join(FULL_DIR, "coverage.json");
  const key = coverageKey(tests);
  type Measured = Record<string, { reaches: Coverage[string]; seconds: number }>;
  let measured: Measured | null = null;
  if (existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, "utf8")) as { key: string; files: Measured };
    if (kept.key === key) measured = kept.files;
  }
  if (!measured && !measure) return undefined;
  if (!measured) {
    const owner = postgres(withDatabase(serverUrl, TEMPLATE), { max: 1, onnotice: () => {} });
    const refs = await catalogReferences(owner).finally(() => owner.end());
    const upstream = Number(new URL(serverUrl).port);
    const files: Measured = {};
    const failures: string[] = [];
    const started = Date.now();
    await onCopies(tests, workers, async (t, w, copy) => {
      const statements = new Map<string, Statement>();
      const proxy = await statementProxy(upstream, (text, session) => {
        const underPolicies = session.roleSet || !refs.bypass.has(session.user);
        if (!statements.get(text)?.underPolicies) statements.set(text, { text, underPolicies });
      });
      try {
        await recreateCopy(serverUrl, copy);
        const via = (url: string) => withPort(url, proxy.port);
        const urls = urlsOf(copy);
        const t0 = Date.now();
        const o = await runStage(
          [t.path],
          { runtime: via(urls.runtime), auth: via(urls.auth), owner: via(urls.owner) },
          w,
          true,
        );
        if (o.result === "killed") failures.push(o.by);
        const reaches = reached([...statements.values()], refs);
        files[t.path] = { reaches, seconds: (Date.now() - t0) / 1000 };
        console.log(
          `coverage ${Object.keys(files).length}/${tests.length}: ${t.path} reaches ${reaches.all.length} names, ${reaches.underPolicies.length} under the policies`,
        );
      } finally {
        await proxy.close();
      }
    });
    // A file that fails without a mutant would "kill" every mutant it meets.
    if (failures.length > 0) throw new Error(`Security tests fail without any mutant:\n${failures.join("\n")}`);
    console.log(`Coverage of ${tests.length} files measured in ${minutes((Date.now() - started) / 1000)}.`);
    mkdirSync(FULL_DIR, { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify({ key, files }));
    renameSync(`${file}.tmp`, file);
    measured = files;
  }
  for (const t of tests) t.seconds = measured[t.path]?.seconds;
  return Object.fromEntries(Object.entries(measured).map(([p, f]) => [p, f.reaches]));
}

/** The test file a kill names ("file › test" or "file (the file failed to run)"), if any. */
const killingFile = (o: Outcome) => (o.result === "killed" ? /^(tests\/\S+\.test\.ts)/.exec(o.by)?.[1] : undefined);

/** Runs `files` on an unmutated copy; prints and returns the failure, or null when they pass. */
async function unmutated(files: string[], serverUrl: string, urlsOf: (copy: string) => Urls): Promise<string | null> {
  const t0 = Date.now();
  await recreateCopy(serverUrl, "careroster_mutant_0");
  const o = await runStage(files, urlsOf("careroster_mutant_0"), 0, true);
  if (o.result === "killed") {
    console.error(`A test fails without any mutant: ${o.by}`);
    return o.by;
  }
  console.log(`The ${files.length} test files pass on an unmutated copy (${Math.round((Date.now() - t0) / 1000)} s).`);
  return null;
}

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      sample: { type: "string" },
      seed: { type: "string" },
      only: { type: "string", multiple: true },
      workers: { type: "string", default: "2" },
      resume: { type: "boolean", default: false },
      report: { type: "boolean", default: false },
      list: { type: "boolean", default: false },
    },
  });
  const sample = values.sample === undefined ? undefined : Number(values.sample);
  if (sample !== undefined && !(Number.isInteger(sample) && sample > 0))
    throw new Error("--sample takes a whole number");
  const workers = Number(values.workers);
  if (!(Number.isInteger(workers) && workers > 0)) throw new Error("--workers takes a whole number");
  const full = sample === undefined && !values.only;
  process.env.MFA_ENCRYPTION_KEY ??= "dGVzdC1rZXktZm9yLXRoZS12aXRlc3QtcnVuLW9ubHk";
  process.env.NEXTAUTH_SECRET ??= "test-secret-for-the-vitest-run-only-0123456789";

  const db = await prepareDatabase({
    database: TEMPLATE,
    recreate: true,
    dataDir: path.join(process.cwd(), ".data", full ? "mutants-pg" : "mutants-part-pg"),
  });
  try {
    const owner = postgres(db.ownerUrl, { max: 1, onnotice: () => {} });
    const catalog = await readCatalog(owner).finally(() => owner.end());
    const all = generateMutants(catalog);
    if (!full) DIR = path.join(process.cwd(), ".data", "mutants-part");
    mkdirSync(DIR, { recursive: true });
    const urlsOf = (copy: string): Urls => ({
      runtime: withDatabase(db.runtimeUrl, copy),
      auth: withDatabase(db.authUrl, copy),
      owner: withDatabase(db.ownerUrl, copy),
    });
    const tests = securityTests();
    // A kill counts only if the killing test passes without the mutant: the test files that killed
    // any of `rows` run once more, on an unmutated copy, after the mutants.
    const killersPass = async (rows: Row[]) => {
      const killers = [...new Set(rows.flatMap((r) => killingFile(r.o) ?? []))];
      return killers.length === 0 || (await unmutated(killers, db.ownerUrl, urlsOf)) === null;
    };
    if (values.report) {
      const results = readResults();
      if (!(await killersPass([...results.values()]))) return 1;
      writeFileSync(REPORT, report(all, results, null, workers));
      console.log(`Wrote ${REPORT}.`);
      return 0;
    }
    const earlier = full && values.resume ? readResults() : new Map<string, Row>();
    if (full && !values.resume) rmSync(RESULTS, { force: true });
    const chosen = pick(all, sample, values.only, values.seed).filter((m) => !earlier.has(m.id));
    console.log(
      `${all.length} mutants from ${catalog.policies.length} policies, ${catalog.rlsTables.length} tables, ${catalog.definers.length} definer functions, ${catalog.rules.length} rule functions, ${catalog.triggers.length} triggers; running ${chosen.length} on ${workers} copies.`,
    );

    if (values.list) {
      for (const m of chosen) console.log(m.id);
      return 0;
    }
    if (chosen.length === 0) return 0;
    const t0 = Date.now();
    const results = new Map(earlier);
    const started = Date.now();
    const coverage = await measureCoverage(tests, workers, db.ownerUrl, urlsOf, full);
    await testAll(chosen, workers, db.ownerUrl, urlsOf, tests, coverage, (row) => {
      results.set(row.id, row);
      // The latest verdict of each mutant: a re-run of survivors (--only) updates the full run's results.
      if (full || existsSync(RESULTS)) appendFileSync(RESULTS, `${JSON.stringify(row)}\n`);
    });
    const wall = (Date.now() - started) / 1000;
    if (!(await killersPass(chosen.map((m) => results.get(m.id)!)))) return 1;
    if (full) {
      writeFileSync(REPORT, report(all, results, values.resume ? null : wall, workers));
      console.log(`Wrote ${REPORT}.`);
    }
    const rows = chosen.map((m) => results.get(m.id)!);
    const live = rows.filter((r) => r.o.result === "survived" && !EQUIVALENT[r.id]);
    const invalid = rows.filter((r) => r.o.result === "invalid");
    console.log(
      `${rows.length - live.length - invalid.length} of ${rows.length} killed or equivalent; ${live.length} survived; ${invalid.length} did not apply; ${(rows.length / (wall / 60)).toFixed(1)} mutants/min, ${minutes((Date.now() - t0) / 1000)} in all.`,
    );
    return live.length === 0 ? 0 : 1;
  } finally {
    await db.stop();
  }
});
