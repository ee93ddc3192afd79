import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import postgres from "postgres";
import { minutes, onCopies, recreateCopy, runStage, TEMPLATE, type Urls, withDatabase, withPort } from "./copies";
import type { TestFile } from "./select";

/**
 * Which security test files can meet a mutant at all (per-test coverage, as Stryker's
 * `coverageAnalysis: "perTest"`): each file runs once, alone, against an unmutated copy through a
 * proxy that reads every statement the file's connections send. A policy, flag or trigger of a table
 * matters only to statements that reach the table; a function only to statements that call it. What a
 * statement reaches is read from its text and then closed over the catalog: the tables and functions
 * named by a table's policies, defaults, checks and triggers, and by a function's body, are reached too.
 * Names are matched as words, so a name in a comment or a string counts: the closure over-approximates,
 * which costs time, never a verdict.
 */

/**
 * Statements that read the catalog see a mutant's DDL itself, whatever table it is on: a file that
 * reads where a kind of mutant writes meets every mutant of that kind.
 */
const CATALOG_READS = {
  policy: /\b(pg_polic(y|ies)|pg_get_expr)\b/,
  table: /\b(pg_class|pg_tables|relrowsecurity|relforcerowsecurity)\b/,
  function: /\b(pg_proc|pg_get_functiondef|has_function_privilege|routine_privileges|routines)\b/,
  trigger: /\b(pg_trigger|triggers)\b/,
};
export type MutantKind = keyof typeof CATALOG_READS;

/**
 * What a security test file's statements reach, tables and functions, and `catalog:<kind>` for catalog
 * reads. A policy or an RLS flag can only be met by a statement that is held to the policies: one sent
 * by a role without BYPASSRLS (or after SET ROLE), and through invoker code only; a SECURITY DEFINER
 * function's body runs as its owner, who bypasses them. A function or a trigger is met by any statement.
 */
export interface Reaches {
  all: string[];
  underPolicies: string[];
}

/** Per security test file, what its statements reach. */
export type Coverage = Record<string, Reaches>;

export interface Statement {
  text: string;
  /** Sent by a role the policies apply to (not a superuser or BYPASSRLS role, or after SET ROLE). */
  underPolicies: boolean;
}

/** The catalog's references: what each table's and function's definition names, and which functions are definers. */
export interface References {
  refs: Map<string, Set<string>>;
  definers: Set<string>;
  /** Logins the policies do not hold (superusers and BYPASSRLS roles). */
  bypass: Set<string>;
}

/** For each table and function of `public`, the tables and functions its definition names. */
export async function catalogReferences(sql: postgres.Sql): Promise<References> {
  const rows = await sql<{ name: string; text: string | null; definer: boolean }[]>`
    select c.relname as name, false as definer,
           concat_ws(' ',
             (select string_agg(concat_ws(' ', p.qual, p.with_check), ' ') from pg_policies p
               where p.schemaname = 'public' and p.tablename = c.relname),
             (select string_agg(pg_get_expr(d.adbin, d.adrelid), ' ') from pg_attrdef d where d.adrelid = c.oid),
             (select string_agg(pg_get_constraintdef(k.oid), ' ') from pg_constraint k
               where k.conrelid = c.oid and k.contype = 'c'),
             (select string_agg(t.tgfoid::regproc::text, ' ') from pg_trigger t
               where t.tgrelid = c.oid and not t.tgisinternal),
             case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid) end) as text
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'v', 'm', 'p')
    union all
    -- Overloads share a name: it counts as a definer only if every one of them is.
    select p.proname, bool_and(p.prosecdef), string_agg(p.prosrc, ' ')
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'public' group by p.proname`;
  const bypass = await sql<{ name: string }[]>`select rolname as name from pg_roles where rolsuper or rolbypassrls`;
  const names = new Set(rows.map((r) => r.name));
  const refs = new Map<string, Set<string>>();
  for (const r of rows) {
    const set = refs.get(r.name) ?? new Set<string>();
    for (const word of words(r.text ?? "")) if (names.has(word) && word !== r.name) set.add(word);
    refs.set(r.name, set);
  }
  return {
    refs,
    definers: new Set(rows.filter((r) => r.definer).map((r) => r.name)),
    bypass: new Set(bypass.map((r) => r.name)),
  };
}

const words = (text: string) => text.toLowerCase().match(/[a-z_][a-z0-9_]*/g) ?? [];

/** The names `texts` state, closed over what their definitions name in turn (but not into `opaque` ones). */
function closure(texts: string[], refs: Map<string, Set<string>>, opaque: Set<string>): string[] {
  const seen = new Set<string>();
  const todo: string[] = [];
  const add = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    if (!opaque.has(name)) todo.push(name);
  };
  for (const text of texts) for (const word of words(text)) if (refs.has(word)) add(word);
  while (todo.length > 0) for (const next of refs.get(todo.pop()!) ?? []) add(next);
  return [...seen];
}

/** What `statements` reach, with and without the policies in force (see `Reaches`). */
export function reached(statements: Statement[], catalog: References): Reaches {
  // A catalog read sees the DDL whoever sends it.
  const catalogs = Object.entries(CATALOG_READS)
    .filter(([, pattern]) => statements.some((s) => pattern.test(s.text.toLowerCase())))
    .map(([kind]) => `catalog:${kind}`);
  const texts = (held: boolean) => statements.filter((s) => !held || s.underPolicies).map((s) => s.text);
  return {
    all: [...catalogs, ...closure(texts(false), catalog.refs, new Set())].sort(),
    underPolicies: [...catalogs, ...closure(texts(true), catalog.refs, catalog.definers)].sort(),
  };
}

/** Whether a file that reached `reaches` (undefined: not measured) can meet a mutant of `subject`. */
export function canMeet(reaches: Reaches | undefined, subject: string, kind: MutantKind): boolean {
  if (reaches === undefined) return true;
  const names = kind === "policy" || kind === "table" ? reaches.underPolicies : reaches.all;
  return names.includes(subject) || names.includes(`catalog:${kind}`);
}

const SET_ROLE = /\bset\s+(local\s+|session\s+)?role\b|\bsession\s+authorization\b|set_config\s*\(\s*'role'/i;

/**
 * A TCP proxy in front of the database that hands every statement text its clients send (simple
 * queries and the extended protocol's Parse) to `onStatement`, and forwards every byte unchanged.
 */
export async function statementProxy(
  upstreamPort: number,
  onStatement: (text: string, session: { user: string; roleSet: boolean }) => void,
): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(upstreamPort, "127.0.0.1");
    // Without it Nagle's algorithm holds back small messages: PgBouncer's round trips crawl.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client).add(upstream);
    const forget = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", forget).on("close", forget);
    upstream.on("error", forget).on("close", forget);
    upstream.pipe(client);
    let buffer = Buffer.alloc(0);
    let startup = true;
    const session = { user: "", roleSet: false };
    const statement = (text: string) => {
      if (SET_ROLE.test(text)) session.roleSet = true;
      onStatement(text, session);
    };
    client.on("data", (chunk: Buffer) => {
      upstream.write(chunk);
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (startup) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          const code = buffer.readInt32BE(4);
          // SSL and GSS encryption requests precede the real startup message, whose parameters name the user.
          startup = code === 80877103 || code === 80877104;
          if (!startup) {
            const params = buffer.toString("utf8", 8, length).split("\0");
            const at = params.indexOf("user");
            session.user = at >= 0 ? params[at + 1] : "";
          }
          buffer = buffer.subarray(length);
          continue;
        }
        if (buffer.length < 5) return;
        const length = buffer.readInt32BE(1) + 1;
        if (buffer.length < length) return;
        const type = String.fromCharCode(buffer[0]);
        const body = buffer.subarray(5, length);
        if (type === "Q") statement(cstring(body, 0));
        if (type === "P") statement(cstring(body, body.indexOf(0) + 1));
        buffer = buffer.subarray(length);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const cstring = (body: Buffer, start: number) => body.toString("utf8", start, body.indexOf(0, start));

/**
 * Everything a file's statements can depend on: the tests, their helpers, the server code, the migrations,
 * and how files are run and measured.
 */
function coverageKey(tests: TestFile[]): string {
  const h = createHash("sha256");
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (/\.(ts|tsx|sql|mjs)$/.test(name)) h.update(file).update(readFileSync(file));
    }
  };
  for (const dir of ["server", "drizzle", "tests/helpers"]) walk(dir);
  for (const file of ["scripts/mutants/copies.ts", "scripts/mutants/coverage.ts"])
    h.update(file).update(readFileSync(file));
  for (const t of tests) h.update(t.path).update(t.text);
  return h.digest("hex");
}

/**
 * Runs each security file alone on an unmutated copy behind the statement proxy and records what its
 * statements reach and how long it took (into each `TestFile`'s `seconds`). Kept in `<dir>/coverage.json`
 * until the code it depends on changes. Without `measure` (a sample or --only run) a stale or missing
 * measurement gives undefined: every mutant then meets every file (its mutants are few and meant to die).
 */
export async function measureCoverage(opts: {
  tests: TestFile[];
  workers: number;
  serverUrl: string;
  urlsOf: (copy: string) => Urls;
  measure: boolean;
  dir: string;
}): Promise<Coverage | undefined> {
  const { tests, workers, serverUrl, urlsOf, dir } = opts;
  const file = path.join(dir, "coverage.json");
  const key = coverageKey(tests);
  type Measured = Record<string, { reaches: Reaches; seconds: number }>;
  let measured: Measured | null = null;
  if (existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, "utf8")) as { key: string; files: Measured };
    if (kept.key === key) measured = kept.files;
  }
  if (!measured && !opts.measure) return undefined;
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
          dir,
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
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify({ key, files }));
    renameSync(`${file}.tmp`, file);
    measured = files;
  }
  for (const t of tests) t.seconds = measured[t.path]?.seconds;
  return Object.fromEntries(Object.entries(measured).map(([p, f]) => [p, f.reaches]));
}
