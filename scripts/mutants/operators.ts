/**
 * Plausible mistakes in the boundary, generated from the migrated database's catalog: each mutant is
 * DDL that, applied to a copy of the test database, breaks one rule the way a person might.
 */

export interface Policy {
  table: string;
  name: string;
  permissive: boolean;
  roles: string[];
  cmd: string;
  using: string | null;
  check: string | null;
}

export interface RuleFunction {
  /** regprocedure text, e.g. app_grant_running(access_grants) */
  signature: string;
  /** pg_get_functiondef: a complete CREATE OR REPLACE FUNCTION statement. */
  definition: string;
  securityDefiner: boolean;
}

export interface Trigger {
  table: string;
  name: string;
}

export interface Catalog {
  policies: Policy[];
  /** Tables with row-level security enabled and forced. */
  rlsTables: string[];
  /** SECURITY DEFINER functions (path pinned, EXECUTE granted narrowly). */
  definers: string[];
  /** Functions whose bodies state an access rule, mutated inside. */
  rules: RuleFunction[];
  triggers: Trigger[];
}

export interface Mutant {
  id: string;
  location: string;
  operator: string;
  sql: string;
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Index pairs of the parentheses of `text` (quotes respected), by opening position. */
function matchingParens(text: string): Map<number, number> {
  const open: number[] = [];
  const pairs = new Map<number, number>();
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      i = text.indexOf("'", i + 1);
      if (i < 0) break;
    } else if (c === "(") open.push(i);
    else if (c === ")") pairs.set(open.pop()!, i);
  }
  return pairs;
}

/** The expression without parentheses that wrap all of it. */
function unwrap(expr: string): string {
  let e = expr.trim();
  while (e.startsWith("(") && matchingParens(e).get(0) === e.length - 1) e = e.slice(1, -1).trim();
  return e;
}

/** The operands of a top-level AND or OR (one operand when the expression is not such a chain). */
export function splitTop(expr: string, op: "AND" | "OR"): string[] {
  const e = unwrap(expr);
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  const sep = ` ${op} `;
  for (let i = 0; i < e.length; i++) {
    const c = e[i];
    if (c === "'") i = e.indexOf("'", i + 1);
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (depth === 0 && e.startsWith(sep, i)) {
      parts.push(e.slice(start, i).trim());
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  parts.push(e.slice(start).trim());
  return parts;
}

/** Positions of a token outside string literals. */
function occurrences(text: string, token: string): number[] {
  const found: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "'") {
      i = text.indexOf("'", i + 1);
      if (i < 0) break;
    } else if (text.startsWith(token, i)) found.push(i);
  }
  return found;
}

const replaceAt = (text: string, at: number, from: string, to: string) =>
  text.slice(0, at) + to + text.slice(at + from.length);

/** Comparison swaps: `=` ↔ `<>`, `>` ↔ `>=`, `<` ↔ `<=`, each occurrence its own mutant. */
const COMPARISONS: [from: string, to: string, operator: string][] = [
  [" = ", " <> ", "eq-to-ne"],
  [" <> ", " = ", "ne-to-eq"],
  [" >= ", " > ", "ge-to-gt"],
  [" > ", " >= ", "gt-to-ge"],
  [" <= ", " < ", "le-to-lt"],
  [" < ", " <= ", "lt-to-le"],
];

/** IS [NOT] NULL tests, each replaced by true: the test forgotten. */
const NULL_TEST = /\(((?:[^()']|\([^()']*\))+?) IS (NOT )?NULL\)/g;

/** Expression-level mistakes: each returns [operator, mutated expression]. */
export function expressionMutants(expr: string): [string, string][] {
  const out: [string, string][] = [];
  const conjuncts = splitTop(expr, "AND");
  if (conjuncts.length > 1) {
    conjuncts.forEach((_, i) =>
      out.push([`drop-conjunct-${i + 1}`, conjuncts.filter((__, j) => j !== i).join(" AND ")]),
    );
    out.push(["and-to-or", conjuncts.map((c) => `(${c})`).join(" OR ")]);
  }
  const disjuncts = splitTop(expr, "OR");
  if (disjuncts.length > 1) out.push(["or-to-and", disjuncts.map((c) => `(${c})`).join(" AND ")]);
  for (const [from, to, operator] of COMPARISONS) {
    occurrences(expr, from).forEach((at, i) => out.push([`${operator}-${i + 1}`, replaceAt(expr, at, from, to)]));
  }
  occurrences(expr, "NOT ").forEach((at, i) => out.push([`drop-not-${i + 1}`, replaceAt(expr, at, "NOT ", "")]));
  [...expr.matchAll(NULL_TEST)].forEach((m, i) =>
    out.push([`drop-null-test-${i + 1}`, replaceAt(expr, m.index!, m[0], "true")]),
  );
  return out;
}

function createPolicy(p: Policy, parts: { permissive?: boolean; using: string | null; check: string | null }) {
  const kind = (parts.permissive ?? p.permissive) ? "PERMISSIVE" : "RESTRICTIVE";
  return [
    `DROP POLICY ${ident(p.name)} ON public.${ident(p.table)};`,
    `CREATE POLICY ${ident(p.name)} ON public.${ident(p.table)} AS ${kind} FOR ${p.cmd} TO ${p.roles.map(ident).join(", ")}` +
      (parts.using ? ` USING (${parts.using})` : "") +
      (parts.check ? ` WITH CHECK (${parts.check})` : "") +
      ";",
  ].join("\n");
}

function policyMutants(p: Policy): Mutant[] {
  const out: Mutant[] = [];
  const at = `policy ${p.table}.${p.name}`;
  const add = (operator: string, sql: string) =>
    out.push({ id: `${p.table}.${p.name}:${operator}`, location: at, operator, sql });
  if (p.using && unwrap(p.using) !== "true") add("using-true", createPolicy(p, { using: "true", check: p.check }));
  if (p.check) add("drop-with-check", createPolicy(p, { using: p.using, check: null }));
  if (!p.permissive) add("restrictive-to-permissive", createPolicy(p, { ...p, permissive: true }));
  for (const clause of ["using", "check"] as const) {
    const expr = p[clause];
    if (!expr) continue;
    for (const [operator, mutated] of expressionMutants(expr))
      add(`${clause}:${operator}`, createPolicy(p, { using: p.using, check: p.check, [clause]: mutated }));
  }
  return out;
}

/** The branches of the body's top-level UNION (for the visibility function: care team, grant, cover). */
function unionBranches(body: string): { start: number; end: number }[] {
  const at = occurrences(body, "UNION");
  if (at.length === 0) return [];
  const open = body.lastIndexOf("(", at[0]);
  const close = matchingParens(body).get(open)!;
  const bounds = [open + 1, ...at.flatMap((u) => [u, u + "UNION".length]), close];
  const branches: { start: number; end: number }[] = [];
  for (let i = 0; i < bounds.length; i += 2) branches.push({ start: bounds[i], end: bounds[i + 1] });
  return branches;
}

function ruleMutants(f: RuleFunction): Mutant[] {
  const name = f.signature.slice(0, f.signature.indexOf("("));
  const bodyStart = f.definition.search(/\bAS \$function\$|\bRETURN /);
  const head = f.definition.slice(0, bodyStart);
  const body = f.definition.slice(bodyStart);
  const out: Mutant[] = [];
  const add = (operator: string, mutated: string) =>
    out.push({ id: `${name}:${operator}`, location: `function ${f.signature}`, operator, sql: head + mutated + ";" });
  const branches = unionBranches(body);
  if (branches.length > 1) {
    branches.forEach((b, i) => {
      const kept = branches.filter((_, j) => j !== i).map((k) => body.slice(k.start, k.end).trim());
      const open = branches[0].start;
      const close = branches[branches.length - 1].end;
      add(`drop-union-branch-${i + 1}`, body.slice(0, open) + kept.join(" UNION ") + body.slice(close));
    });
  }
  for (const [operator, mutated] of expressionMutants(body)) {
    if (operator.startsWith("drop-conjunct") || operator === "and-to-or" || operator === "or-to-and") continue;
    add(operator, mutated);
  }
  return out;
}

/** Every mutant of the catalog, in a stable order (ids are unique). */
export function generateMutants(catalog: Catalog): Mutant[] {
  const out: Mutant[] = [];
  for (const p of catalog.policies) out.push(...policyMutants(p));
  for (const t of catalog.rlsTables) {
    const at = `table ${t}`;
    out.push({
      id: `${t}:no-force-rls`,
      location: at,
      operator: "no-force-rls",
      sql: `ALTER TABLE public.${ident(t)} NO FORCE ROW LEVEL SECURITY;`,
    });
    out.push({
      id: `${t}:disable-rls`,
      location: at,
      operator: "disable-rls",
      sql: `ALTER TABLE public.${ident(t)} DISABLE ROW LEVEL SECURITY;`,
    });
  }
  for (const f of catalog.definers) {
    const name = f.slice(0, f.indexOf("("));
    const at = `function ${f}`;
    out.push({
      id: `${name}:search-path-reset`,
      location: at,
      operator: "search-path-reset",
      sql: `ALTER FUNCTION public.${f} RESET search_path;`,
    });
    out.push({
      id: `${name}:execute-to-public`,
      location: at,
      operator: "execute-to-public",
      sql: `GRANT EXECUTE ON FUNCTION public.${f} TO PUBLIC;`,
    });
  }
  for (const f of catalog.rules) out.push(...ruleMutants(f));
  for (const t of catalog.triggers)
    out.push({
      id: `${t.table}.${t.name}:drop-trigger`,
      location: `trigger ${t.table}.${t.name}`,
      operator: "drop-trigger",
      sql: `DROP TRIGGER ${ident(t.name)} ON public.${ident(t.table)};`,
    });
  const seen = new Set<string>();
  for (const m of out) {
    if (seen.has(m.id)) throw new Error(`two mutants are named ${m.id}`);
    seen.add(m.id);
  }
  return out;
}
