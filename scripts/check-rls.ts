import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { prepareDatabase } from "@/server/db/bootstrap";
import { parseDatabaseUrl } from "@/server/db/config";
import { readPosture, type Posture } from "@/server/security/posture";
import { runCli } from "./cli";

const mark = (problems: string[]) => (problems.length ? "✗" : "✓");
const details = (problems: string[]) => (problems.length ? ` — ${problems.join("; ")}` : "");

/** Prints the posture, every object and then the checklist, and returns the exit code: 0 when nothing is out of line. */
export function report(posture: Posture, log: (line: string) => void = console.log): number {
  for (const t of posture.tables) {
    const state = `${t.rlsEnabled ? "enabled" : "DISABLED"}, ${t.rlsForced ? "forced" : "NOT FORCED"}, ${t.policies.length} policies, owner ${t.owner}`;
    log(`${mark(t.problems)} ${t.table}: ${state}${details(t.problems)}`);
  }
  for (const f of posture.functions) {
    const kind = f.securityDefiner
      ? `SECURITY DEFINER, search_path=${f.searchPath ?? "(not pinned)"}`
      : "SECURITY INVOKER";
    log(
      `${mark(f.problems)} function ${f.name}: ${kind}, owner ${f.owner}, executable by ${f.executableBy.join(", ")}${details(f.problems)}`,
    );
  }
  const r = posture.runtimeRole;
  log(
    `${mark(r.problems)} runtime role ${r.name}: ${r.problems.length ? r.problems.join("; ") : "no superuser, no BYPASSRLS, owns nothing"}`,
  );
  const d = posture.database;
  if (d.problems.length === 0)
    log(
      `✓ database ${d.name}: no temporary objects, schemas or objects in any schema for PUBLIC or ${r.name}; nothing owned by a superuser`,
    );
  for (const p of d.problems) log(`✗ database ${d.name}: ${p}`);
  log("");
  for (const c of posture.checks)
    log(`${mark(c.problems)} ${c.label}${c.problems.length ? ` (${c.problems.length} problem(s))` : ""}`);
  log(posture.ok ? "RLS posture OK." : "RLS posture has problems (see ✗ above).");
  return posture.ok ? 0 : 1;
}

// `npm run db:check-rls`: against DATABASE_URL, or the embedded database `npm start` uses.
if (process.argv[1]?.endsWith("check-rls.ts")) {
  await runCli(async () => {
    const db = await prepareDatabase();
    const client = postgres(db.runtimeUrl, { max: 1, onnotice: () => {} });
    try {
      return report(await readPosture(drizzle({ client }), parseDatabaseUrl(db.runtimeUrl, "DATABASE_URL").user));
    } finally {
      await client.end();
      await db.stop();
    }
  });
}
