import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";

/** The migrated, seeded database every copy is made from. */
export const TEMPLATE = "careroster_mutants";
const PER_STAGE_MS = 10 * 60_000;

/**
 * `alone`: the killing file failed by itself on a fresh copy with the mutant, not only after other files.
 * `timer`: what failed was a timer (a test's or the stage's), which a busy machine trips as well as a mutant.
 */
export type Outcome =
  | { result: "killed"; by: string; alone?: boolean; timer?: boolean }
  | { result: "survived" }
  | { result: "invalid"; why: string };

/**
 * A test or hook that ran past its timeout: Vitest's message, or (in its JSON report, which keeps the
 * stack) the placeholder error its timeouts take their stack from.
 */
const TIMED_OUT = /\b(Test|Hook) timed out in \d+ms|^Error: STACK_TRACE_ERROR\n/;

export interface Urls {
  runtime: string;
  auth: string;
  owner: string;
}

export const withDatabase = (url: string, database: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

export const withPort = (url: string, port: number) => {
  const u = new URL(url);
  u.port = String(port);
  return u.toString();
};

export const minutes = (seconds: number) =>
  seconds < 60 ? `${Math.round(seconds)} s` : `${(seconds / 60).toFixed(0)} min`;

/** Hands each of `items` to `fn` on one of `workers` copies at once; worker `w` owns `careroster_mutant_<w>`. */
export async function onCopies<T>(
  items: T[],
  workers: number,
  fn: (item: T, w: number, copy: string) => Promise<void>,
) {
  let next = 0;
  const worker = async (w: number) => {
    while (next < items.length) await fn(items[next++], w, `careroster_mutant_${w}`);
  };
  await Promise.all(Array.from({ length: Math.min(workers, items.length) }, (_, w) => worker(w)));
}

export async function recreateCopy(serverUrl: string, copy: string) {
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

/** The first failing test of a Vitest JSON report, as "file › test name" (with its message when `why`). */
function firstFailure(reportFile: string, why: boolean): { by: string; timer?: boolean } | null {
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
    const text = failed?.failureMessages?.[0] ?? file.message ?? "";
    const message = why ? `: ${text.slice(0, 2000)}` : "";
    const timer = TIMED_OUT.test(text) ? { timer: true } : {};
    if (failed) return { by: `${rel} › ${failed.fullName}${message}`, ...timer };
    if (file.status === "failed") return { by: `${rel} (the file failed to run)${message}`, ...timer };
  }
  return null;
}

/**
 * One Vitest run over `files` in that order against a copy, stopped at the first failing test (`why`:
 * with its message). Its report and mail go to `dir`, one set per worker.
 */
export function runStage(files: string[], urls: Urls, worker: number, dir: string, why = false): Promise<Outcome> {
  const reportFile = path.join(dir, `vitest-${worker}.json`);
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
      CAREROSTER_MAIL_DIR: path.join(dir, `mail-${worker}`),
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
        return resolve({
          result: "killed",
          by: `the tests did not finish in ${PER_STAGE_MS / 60_000} minutes`,
          timer: true,
        });
      // Stopped from outside: no verdict, and none recorded.
      if (signal) {
        console.error(`The tests were stopped (${signal}); the run ends here.`);
        process.exit(1);
      }
      const failure = firstFailure(reportFile, why);
      if (status === 0 && !failure) return resolve({ result: "survived" });
      resolve({ result: "killed", ...(failure ?? { by: `the tests exited with ${status}` }) });
    });
  });
}
