import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { prepareDatabase } from "@/server/db/bootstrap";
import { EQUIVALENT } from "@/tests/mutants/equivalent";
import { runCli } from "@/scripts/cli";
import { readCatalog } from "./catalog";
import { type Coverage, measureCoverage } from "./coverage";
import { minutes, onCopies, type Outcome, recreateCopy, runStage, TEMPLATE, type Urls, withDatabase } from "./copies";
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
//   --confirm    re-check the earlier run's kills that were not seen alone (see runStages)
//   --list       print the chosen mutants' ids, running nothing
//   --report     rewrite tests/mutants/report.md from the results so far, without running anything
// A full run (no --sample, no --only) rewrites tests/mutants/report.md.

const FULL_DIR = path.join(process.cwd(), ".data", "mutants");
/** A sample or --only run works in a directory (and on a server) of its own, so it can run beside a full run. */
let DIR = FULL_DIR;
const RESULTS = path.join(FULL_DIR, "results.jsonl");
const REPORT = path.join("tests", "mutants", "report.md");

interface Row {
  id: string;
  o: Outcome;
  seconds: number;
}

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

/** The test file a kill names ("file › test" or "file (the file failed to run)"), if any. */
const killingFile = (o: Outcome) => (o.result === "killed" ? /^(tests\/\S+\.test\.ts)/.exec(o.by)?.[1] : undefined);

/** A kill that counts, seen alone: an assertion or error, not a timer that a busy machine trips as well. */
const aloneKill = (o: Outcome): Outcome | undefined =>
  o.result === "killed" && !o.timer ? { ...o, alone: true } : undefined;

/**
 * The stages in turn, until a test fails. A kill counts only when the killing file fails by itself on a
 * fresh copy with the mutant (`fresh` makes one), and not by a timeout: a failure that needs the files
 * run before it (their leftovers) or a busy machine is not the mutant's doing, and the files after it
 * run instead.
 */
async function runStages(
  m: Mutant,
  stages: string[][],
  urls: Urls,
  worker: number,
  fresh: () => Promise<void>,
): Promise<Outcome> {
  let clean = true;
  for (let files of stages.filter((s) => s.length > 0)) {
    while (files.length > 0) {
      const o = await runStage(files, urls, worker, DIR);
      if (o.result === "survived") break;
      const killer = killingFile(o);
      if (o.result !== "killed" || !killer || !files.includes(killer)) return o;
      const first = clean && killer === files[0] ? aloneKill(o) : undefined;
      if (first) return first;
      await fresh();
      const again = await runStage([killer], urls, worker, DIR);
      const alone = aloneKill(again);
      if (alone) return alone;
      clean = false;
      const seen = again.result === "killed" ? "timed out" : "failed after other files but passes alone";
      console.log(`  ${m.id}: ${killer} ${seen}; going on without it`);
      files = files.slice(files.indexOf(killer) + 1);
    }
    clean = false;
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
  const kills = rows.filter((x) => x.o.result === "killed");
  const alone = kills.filter((x) => x.o.result === "killed" && x.o.alone).length;
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
    alone === kills.length
      ? "Every kill was seen with the killing file alone, on a fresh copy with the mutant."
      : `${alone} of the ${kills.length} kills were seen with the killing file alone, on a fresh copy with the mutant; \`npm run test:mutants -- --confirm\` checks the others.`,
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

/** Tests `queue` on `workers` copies at once; each result is printed and handed to `done`. */
async function testAll(
  queue: Mutant[],
  workers: number,
  serverUrl: string,
  urlsOf: (copy: string) => Urls,
  tests: TestFile[],
  coverage: Coverage | undefined,
  done: (row: Row) => void,
  earlierKiller: (m: Mutant) => string | undefined = () => undefined,
) {
  let finished = 0;
  const started = Date.now();
  await onCopies(queue, workers, async (m, w, copy) => {
    const urls = urlsOf(copy);
    const t0 = Date.now();
    const fresh = async () => {
      await recreateCopy(serverUrl, copy);
      return apply(urls.owner, m);
    };
    const why = await fresh();
    const again = async () => void (await fresh());
    // A kill to confirm: its file alone first, then (if it passes) the stages on a fresh copy.
    const killer = why ? undefined : earlierKiller(m);
    const confirmed = killer ? aloneKill(await runStage([killer], urls, w, DIR)) : undefined;
    if (killer && !confirmed) await again();
    const o: Outcome = why
      ? { result: "invalid", why }
      : confirmed
        ? confirmed
        : await runStages(m, stagesFor(m, tests, coverage), urls, w, again);
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

/** Runs `files` on an unmutated copy; prints and returns the failure, or null when they pass. */
async function unmutated(files: string[], serverUrl: string, urlsOf: (copy: string) => Urls): Promise<string | null> {
  const t0 = Date.now();
  await recreateCopy(serverUrl, "careroster_mutant_0");
  const o = await runStage(files, urlsOf("careroster_mutant_0"), 0, DIR, true);
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
      confirm: { type: "boolean", default: false },
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
    const keep = full && (values.resume || values.confirm);
    const earlier = keep ? readResults() : new Map<string, Row>();
    if (full && !keep) rmSync(RESULTS, { force: true });
    const earlierKiller = (m: Mutant) => {
      const o = earlier.get(m.id)?.o;
      return o?.result === "killed" && !o.alone ? killingFile(o) : undefined;
    };
    const chosen = pick(all, sample, values.only, values.seed).filter((m) =>
      values.confirm ? earlierKiller(m) : !earlier.has(m.id),
    );
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
    const coverage = await measureCoverage({
      tests,
      workers,
      serverUrl: db.ownerUrl,
      urlsOf,
      measure: full,
      dir: FULL_DIR,
    });
    await testAll(
      chosen,
      workers,
      db.ownerUrl,
      urlsOf,
      tests,
      coverage,
      (row) => {
        results.set(row.id, row);
        // The latest verdict of each mutant: a re-run of survivors (--only) updates the full run's results.
        if (full || existsSync(RESULTS)) appendFileSync(RESULTS, `${JSON.stringify(row)}\n`);
      },
      earlierKiller,
    );
    const wall = (Date.now() - started) / 1000;
    if (!(await killersPass(chosen.map((m) => results.get(m.id)!)))) return 1;
    if (full) {
      writeFileSync(REPORT, report(all, results, keep ? null : wall, workers));
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
