import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { prepareDatabase } from "../server/db/bootstrap";
import { parseDatabaseUrl } from "../server/db/config";
import { readPosture, type Posture } from "../server/security/posture";
import { runCli } from "./cli";

/** Prints the posture and returns the exit code: 0 when nothing is out of line. */
export function report(posture: Posture, log: (line: string) => void = console.log): number {
  for (const t of posture.tables) {
    const state = `${t.rlsEnabled ? "enabled" : "DISABLED"}, ${t.rlsForced ? "forced" : "NOT FORCED"}, ${t.policies.length} policies`;
    log(`${t.problems.length ? "✗" : "✓"} ${t.table}: ${state}${t.problems.length ? ` — ${t.problems.join("; ")}` : ""}`);
  }
  const r = posture.runtimeRole;
  log(`${r.problems.length ? "✗" : "✓"} runtime role ${r.name}${r.problems.length ? `: ${r.problems.join("; ")}` : ": no superuser, no BYPASSRLS, owns nothing"}`);
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
