import {
  readDatabase,
  readFunctions,
  readPolicies,
  readRelations,
  readRole,
  readSchemas,
  type AnyDb,
  type DatabaseRow,
  type FunctionRow,
  type PolicyRow,
  type RelationRow,
  type RoleRow,
  type SchemaRow,
} from "./catalog";
import { isSafeSearchPath } from "./search-path";

/** What each check asserts when it passes, in plain language (the admin page's checklist). */
export const CHECKS = {
  rls: "Every table enforces row-level security, for its owner too.",
  withCheck: "Every policy that lets the app write rows also checks the rows it writes (WITH CHECK).",
  runtimeRole:
    "The app's database login is an ordinary account: not a superuser, cannot bypass row-level security, owns nothing.",
  definer:
    "Functions that run with their owner's rights pin a search_path with pg_temp last (or empty), so a caller's temporary objects cannot hijack them.",
  publicExecute:
    "No app function can be run by every database user (PUBLIC); each is granted to the roles that call it.",
  ownership: "No table, function, other object or the app schema itself is owned by a superuser.",
  create: "Neither the app's login nor PUBLIC can create temporary objects, schemas or objects in any schema.",
  tableGrants:
    "The app's login cannot empty tables (TRUNCATE), point foreign keys at them (REFERENCES) or attach triggers (TRIGGER).",
} as const;

export type CheckId = keyof typeof CHECKS;

export interface Check {
  id: CheckId;
  label: string;
  /** Each problem with its subject, e.g. "function app_org_id(): executable by PUBLIC". */
  problems: string[];
}

type Policy = Omit<PolicyRow, "table">;

export interface TablePosture {
  table: string;
  rlsEnabled: boolean;
  rlsForced: boolean;
  owner: string;
  runtimeGrants: string[];
  policies: Policy[];
  problems: string[];
}

export interface FunctionPosture extends FunctionRow {
  problems: string[];
}

export interface Posture {
  checks: Check[];
  tables: TablePosture[];
  functions: FunctionPosture[];
  runtimeRole: {
    name: string;
    superuser: boolean;
    bypassRls: boolean;
    ownsTables: number;
    ownsFunctions: number;
    actsAs: string[];
    problems: string[];
  };
  database: DatabaseRow & {
    schemas: SchemaRow[];
    /** Views, sequences… of the app schema (not tables) with their owner. */
    otherObjects: { name: string; kind: string; owner: string }[];
    problems: string[];
  };
  ok: boolean;
}

const KINDS: Record<string, string> = { v: "view", m: "materialized view", S: "sequence", f: "foreign table" };

type Flag = (check: CheckId, problem: string) => void;
/** Records each problem in its section (for the details) and in its check (for the checklist). */
type Flagger = (subject: string, problems: string[]) => Flag;

function tablesPosture(
  flagger: Flagger,
  relations: RelationRow[],
  policies: PolicyRow[],
  runtimeRole: string,
): TablePosture[] {
  return relations
    .filter((r) => r.kind === "r" || r.kind === "p")
    .map((t) => {
      const mine = policies.filter((p) => p.table === t.name).map(({ table: _table, ...p }) => p);
      const out: TablePosture = {
        table: t.name,
        rlsEnabled: t.enabled,
        rlsForced: t.forced,
        owner: t.owner,
        runtimeGrants: t.runtimeGrants,
        policies: mine,
        problems: [],
      };
      const flag = flagger(`table ${t.name}`, out.problems);
      if (!t.enabled) flag("rls", "RLS is not enabled");
      if (!t.forced) flag("rls", "RLS is not forced (the owner would bypass it)");
      // A table with no policies that the app's role cannot touch at all is the owner's own (keys, held assertions).
      if (mine.length === 0 && t.runtimeAccess)
        flag("rls", "no policies (every non-owner is denied, which may be unintended)");
      for (const p of mine) {
        if (["INSERT", "UPDATE", "ALL"].includes(p.command) && !p.withCheck)
          flag("withCheck", `policy ${p.name} (${p.command}) has no WITH CHECK`);
      }
      if (t.ownerSuperuser) flag("ownership", `owned by superuser ${t.owner}`);
      if (t.runtimeGrants.length) flag("tableGrants", `${runtimeRole} has ${t.runtimeGrants.join(", ")}`);
      return out;
    });
}

function functionsPosture(flagger: Flagger, functions: FunctionRow[]): FunctionPosture[] {
  return functions.map((f) => {
    const out: FunctionPosture = { ...f, problems: [] };
    const flag = flagger(`function ${f.name}`, out.problems);
    if (f.securityDefiner && !isSafeSearchPath(f.searchPath)) {
      const why = f.searchPath === null ? "without a pinned search_path" : "whose search_path does not end in pg_temp";
      flag("definer", `SECURITY DEFINER ${why} (the caller's temporary objects can shadow the names it uses)`);
    }
    if (f.ownerSuperuser)
      flag("ownership", `owned by superuser ${f.owner}${f.securityDefiner ? ", so it runs as a superuser" : ""}`);
    if (f.executableBy.includes("PUBLIC")) flag("publicExecute", "executable by PUBLIC");
    return out;
  });
}

function rolePosture(flagger: Flagger, name: string, role: RoleRow | undefined): Posture["runtimeRole"] {
  const out = {
    name,
    superuser: role?.superuser ?? false,
    bypassRls: role?.bypassRls ?? false,
    ownsTables: role?.ownsTables ?? 0,
    ownsFunctions: role?.ownsFunctions ?? 0,
    actsAs: role?.actsAs.map((a) => a.name) ?? [],
    problems: [],
  };
  const flag = flagger(`runtime role ${name}`, out.problems);
  if (!role) flag("runtimeRole", "does not exist");
  else {
    if (role.superuser) flag("runtimeRole", "is a superuser");
    if (role.bypassRls) flag("runtimeRole", "has BYPASSRLS");
    if (role.ownsTables > 0) flag("runtimeRole", `owns ${role.ownsTables} table(s)`);
    if (role.ownsFunctions > 0) flag("runtimeRole", `owns ${role.ownsFunctions} function(s)`);
    for (const a of role.actsAs) {
      if (a.superuser || a.bypassRls)
        flag("runtimeRole", `can act as ${a.name}, which ${a.superuser ? "is a superuser" : "has BYPASSRLS"}`);
    }
  }
  return out;
}

function databasePosture(
  flagger: Flagger,
  database: DatabaseRow,
  schemas: SchemaRow[],
  relations: RelationRow[],
  runtimeRole: string,
): Posture["database"] {
  const others = relations.filter((r) => r.kind in KINDS);
  const out = {
    ...database,
    schemas,
    otherObjects: others.map((o) => ({ name: o.name, kind: KINDS[o.kind], owner: o.owner })),
    problems: [],
  };
  const flag = flagger(`database ${database.name}`, out.problems);
  const who = [
    ["PUBLIC", database.publicTemp, database.publicCreate],
    [runtimeRole, database.runtimeTemp, database.runtimeCreate],
  ] as const;
  for (const [role, temp, create] of who) {
    if (temp) flag("create", `${role} may create temporary objects (TEMPORARY on the database)`);
    if (create) flag("create", `${role} may create schemas (CREATE on the database)`);
  }
  for (const s of schemas) {
    if (s.publicCreate) flag("create", `PUBLIC may create objects in schema ${s.name}`);
    if (s.runtimeCreate) flag("create", `${runtimeRole} may create objects in schema ${s.name}`);
    if (s.name === "public" && s.ownerSuperuser) flag("ownership", `schema public is owned by superuser ${s.owner}`);
  }
  for (const o of others)
    if (o.ownerSuperuser) flag("ownership", `${KINDS[o.kind]} ${o.name} is owned by superuser ${o.owner}`);
  return out;
}

/**
 * Reads the security posture of the app schema live from the catalog. `runtimeRole` is the login
 * the app connects as; privileges it holds through roles it inherits or may SET ROLE to count.
 */
export async function readPosture(db: AnyDb, runtimeRole: string): Promise<Posture> {
  // One after another: inside a request this runs on the request's single transaction.
  const relations = await readRelations(db, runtimeRole);
  const policies = await readPolicies(db);
  const functions = await readFunctions(db);
  const schemas = await readSchemas(db, runtimeRole);
  const database = await readDatabase(db, runtimeRole);
  const role = await readRole(db, runtimeRole);

  const found = new Map<CheckId, string[]>((Object.keys(CHECKS) as CheckId[]).map((id) => [id, []]));
  const flagger: Flagger = (subject, problems) => (check, problem) => {
    problems.push(problem);
    found.get(check)!.push(`${subject}: ${problem}`);
  };
  const posture = {
    tables: tablesPosture(flagger, relations, policies, runtimeRole),
    functions: functionsPosture(flagger, functions),
    runtimeRole: rolePosture(flagger, runtimeRole, role),
    database: databasePosture(flagger, database, schemas, relations, runtimeRole),
  };
  const checks = [...found].map(([id, problems]) => ({ id, label: CHECKS[id], problems }));
  return { checks, ...posture, ok: checks.every((c) => c.problems.length === 0) };
}
