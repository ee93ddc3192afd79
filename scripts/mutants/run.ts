import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { prepareDatabase } from "@/server/db/bootstrap";
import { EQUIVALENT } from "@/tests/mutants/equivalent";
import { runCli } from "@/scripts/cli";
import { readCatalog } from "./catalog";
import { generateMutants, type Mutant } from "./operators";

// `npm run test:mutants`: break the boundary one plausible mistake at a time and check that the
// security part of the suite notices. Each mutant is applied to a fresh copy (CREATE DATABASE …
// TEMPLATE) of the migrated, seeded database; the suite runs against that copy and stops at its
// first failing test, which is the test that killed the mutant.
//   --sample N   a fixed sample: the N mutants whose ids hash lowest
//   --only TEXT  the mutants whose id contains TEXT
// A full run (no --sample, no --only) rewrites tests/mutants/report.md.

/**
 * The security-relevant tests, in two stages: the matrix and boundary tests kill most mutants in
 * seconds; only a mutant they miss meets the rest of the attack tests.
 */
const STAGES = [
  ["tests/rls", "tests/access"],
  [
    "tests/notes",
    "tests/essentials",
    "tests/break-glass",
    "tests/coverage",
    "tests/patients",
    "tests/appointments",
    "tests/sessions",
    "tests/accounts",
    "tests/sso",
    "tests/two-factor",
  ],
];
const TEMPLATE = "careroster_mutants";
const COPY = "careroster_mutant";
const PER_MUTANT_MS = 10 * 60_000;

type Outcome = { result: "killed"; by: string } | { result: "survived" } | { result: "invalid"; why: string };

const withDatabase = (url: string, database: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

const hash = (id: string) => createHash("sha256").update(id).digest("hex");

function pick(all: Mutant[], sample?: number, only?: string): Mutant[] {
  if (only) return all.filter((m) => m.id.includes(only));
  if (sample === undefined) return all;
  return [...all].sort((a, b) => hash(a.id).localeCompare(hash(b.id))).slice(0, sample);
}

/** The first failing test of a Vitest JSON report, as "file › test name". */
function firstFailure(reportFile: string): string | null {
  let report: {
    testResults: {
      name: string;
      status: string;
      message?: string;
      assertionResults: { status: string; fullName: string }[];
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
    if (failed) return `${rel} › ${failed.fullName}`;
    if (file.status === "failed") return `${rel} (the file failed to run)`;
  }
  return null;
}

async function recreateCopy(serverUrl: string) {
  const admin = postgres(withDatabase(serverUrl, "postgres"), { max: 1, onnotice: () => {} });
  try {
    await admin`drop database if exists ${admin(COPY)} with (force)`;
    await admin`create database ${admin(COPY)} template ${admin(TEMPLATE)}`;
    // A copy takes the template's objects but not its database-level owner and privileges (the
    // migrations revoke TEMPORARY from PUBLIC): those are copied over, or the copy is weaker than the app's.
    const statements = await admin<{ stmt: string }[]>`
      select format('alter database %I owner to %I', ${COPY}::text, pg_get_userbyid(d.datdba)) as stmt
        from pg_database d where d.datname = ${TEMPLATE}
      union all select format('revoke all on database %I from public', ${COPY}::text)
      union all
      select format('grant %s on database %I to %s', a.privilege_type, ${COPY}::text,
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

function runSuite(urls: { runtime: string; auth: string; owner: string }, reportFile: string): Outcome {
  for (const stage of STAGES) {
    const o = runStage(stage, urls, reportFile);
    if (o.result !== "survived") return o;
  }
  return { result: "survived" };
}

function runStage(
  files: string[],
  urls: { runtime: string; auth: string; owner: string },
  reportFile: string,
): Outcome {
  rmSync(reportFile, { force: true });
  const run = spawnSync(
    "npx",
    ["vitest", "run", ...files, "--bail=1", "--reporter=json", `--outputFile=${reportFile}`],
    {
      stdio: ["ignore", "ignore", "ignore"],
      timeout: PER_MUTANT_MS,
      env: {
        ...process.env,
        DATABASE_URL: urls.runtime,
        DATABASE_AUTH_URL: urls.auth,
        DATABASE_OWNER_URL: urls.owner,
        CAREROSTER_TEST_DATABASE_READY: "1",
      },
    },
  );
  if (run.error) return { result: "killed", by: `the suite did not finish in ${PER_MUTANT_MS / 60_000} minutes` };
  const by = firstFailure(reportFile);
  if (run.status === 0 && !by) return { result: "survived" };
  return { result: "killed", by: by ?? `the suite exited with ${run.status}` };
}

function report(rows: { m: Mutant; o: Outcome }[]): string {
  const count = (r: Outcome["result"]) => rows.filter((x) => x.o.result === r).length;
  const survivors = rows.filter((x) => x.o.result === "survived");
  const equivalent = survivors.filter((x) => EQUIVALENT[x.m.id]);
  const cell = (s: string) => s.replaceAll("|", "\\|");
  const lines = [
    "# Mutation testing of the boundary",
    "",
    "Generated by `npm run test:mutants` (scripts/mutants/): every policy, RLS flag, definer function and",
    "rule-enforcing trigger of the migrated database, mutated one at a time; the security part of the suite",
    `(${STAGES.flat()
      .map((s) => `\`${s}\``)
      .join(", ")}) run against each mutant and stopped at its first failing test.`,
    "",
    `| mutants | killed | survived (equivalent) | not applicable |`,
    `| --- | --- | --- | --- |`,
    `| ${rows.length} | ${count("killed")} | ${survivors.length} (${equivalent.length}) | ${count("invalid")} |`,
    "",
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

await runCli(async () => {
  const { values } = parseArgs({ options: { sample: { type: "string" }, only: { type: "string" } } });
  const sample = values.sample === undefined ? undefined : Number(values.sample);
  if (sample !== undefined && !(Number.isInteger(sample) && sample > 0))
    throw new Error("--sample takes a whole number");
  process.env.MFA_ENCRYPTION_KEY ??= "dGVzdC1rZXktZm9yLXRoZS12aXRlc3QtcnVuLW9ubHk";
  process.env.NEXTAUTH_SECRET ??= "test-secret-for-the-vitest-run-only-0123456789";

  const db = await prepareDatabase({
    database: TEMPLATE,
    recreate: true,
    dataDir: path.join(process.cwd(), ".data", "mutants-pg"),
  });
  try {
    const owner = postgres(db.ownerUrl, { max: 1, onnotice: () => {} });
    const catalog = await readCatalog(owner).finally(() => owner.end());
    const all = generateMutants(catalog);
    const chosen = pick(all, sample, values.only);
    console.log(
      `${all.length} mutants from ${catalog.policies.length} policies, ${catalog.rlsTables.length} tables, ${catalog.definers.length} definer functions, ${catalog.rules.length} rule functions, ${catalog.triggers.length} triggers; running ${chosen.length}.`,
    );

    const urls = {
      runtime: withDatabase(db.runtimeUrl, COPY),
      auth: withDatabase(db.authUrl, COPY),
      owner: withDatabase(db.ownerUrl, COPY),
    };
    const dir = path.join(process.cwd(), ".data", "mutants");
    mkdirSync(dir, { recursive: true });
    // The suite must pass on an unmutated copy, or every mutant would look killed.
    await recreateCopy(db.ownerUrl);
    const baseline = runSuite(urls, path.join(dir, "vitest.json"));
    if (baseline.result !== "survived") {
      console.error(`The suite fails without any mutant: ${baseline.result === "killed" ? baseline.by : baseline.why}`);
      return 1;
    }
    console.log("The suite passes on the unmutated copy.");
    const rows: { m: Mutant; o: Outcome }[] = [];
    for (const [i, m] of chosen.entries()) {
      const started = Date.now();
      await recreateCopy(db.ownerUrl);
      const why = await apply(urls.owner, m);
      const o: Outcome = why ? { result: "invalid", why } : runSuite(urls, path.join(dir, "vitest.json"));
      rows.push({ m, o });
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      const detail =
        o.result === "killed" ? o.by : o.result === "invalid" ? o.why : EQUIVALENT[m.id] ? "equivalent" : "NOT KILLED";
      console.log(`[${i + 1}/${chosen.length}] ${o.result.padEnd(8)} ${m.id} (${seconds} s) ${detail}`);
    }
    if (sample === undefined && !values.only) {
      writeFileSync(path.join("tests", "mutants", "report.md"), report(rows));
      console.log("Wrote tests/mutants/report.md.");
    }
    const live = rows.filter((x) => x.o.result === "survived" && !EQUIVALENT[x.m.id]);
    const invalid = rows.filter((x) => x.o.result === "invalid");
    console.log(
      `${rows.length - live.length - invalid.length} of ${rows.length} killed or equivalent; ${live.length} survived; ${invalid.length} did not apply.`,
    );
    return live.length === 0 ? 0 : 1;
  } finally {
    await db.stop();
  }
});
