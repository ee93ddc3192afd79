import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runtimeUrl } from "@/tests/helpers/db";
import { scratchDatabase, scratchName } from "@/tests/helpers/scratch";

const SCRATCH = scratchName("careroster_posture_cli");

/**
 * `npm run db:check-rls` as CI runs it: its own process, DATABASE_URL only (so it does not migrate).
 * Vitest's test timeout bounds it, so a slow machine reads as a timeout, never as the CLI's failure.
 */
async function checkRls(databaseUrl: string): Promise<{ code: number; out: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl };
  delete env.DATABASE_OWNER_URL;
  try {
    const { stdout } = await promisify(execFile)("npx", ["tsx", "scripts/check-rls.ts"], { env });
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== "number") throw err;
    return { code: e.code, out: `${e.stdout}${e.stderr}` };
  }
}

// One way to break the database at a time, how to undo it, and the ✗ line the CLI must print.
const breakages = [
  {
    what: "a table without FORCE",
    apply: `create table scratch_unforced (id int primary key);
            alter table scratch_unforced enable row level security;
            create policy scratch_read on scratch_unforced for select to careroster_runtime using (true)`,
    undo: "drop table scratch_unforced",
    line: /^✗ scratch_unforced: enabled, NOT FORCED, .* — .*RLS is not forced/m,
  },
  {
    what: "a SECURITY DEFINER function with search_path = public",
    apply: `create function scratch_definer() returns int language sql security definer set search_path = public as 'select 1';
            revoke execute on function scratch_definer() from public`,
    undo: "drop function scratch_definer()",
    line: /^✗ function scratch_definer\(\): SECURITY DEFINER, search_path=public, .* — SECURITY DEFINER whose search_path does not end in pg_temp/m,
  },
  {
    what: "a function executable by PUBLIC (the default: NULL proacl)",
    apply: "create function scratch_open() returns int language sql as 'select 1'",
    undo: "drop function scratch_open()",
    line: /^✗ function scratch_open\(\): .*executable by PUBLIC/m,
  },
  {
    what: "TEMPORARY on the database for PUBLIC",
    apply: `grant temporary on database ${SCRATCH} to public`,
    undo: `revoke temporary on database ${SCRATCH} from public`,
    line: new RegExp(`^✗ database ${SCRATCH}: PUBLIC may create temporary objects`, "m"),
  },
  {
    what: "CREATE on schema public for the runtime role",
    apply: "grant create on schema public to careroster_runtime",
    undo: "revoke create on schema public from careroster_runtime",
    line: new RegExp(`^✗ database ${SCRATCH}: careroster_app may create objects in schema public$`, "m"),
  },
  {
    what: "TRUNCATE on a table for careroster_runtime",
    apply: "grant truncate on patients to careroster_runtime",
    undo: "revoke truncate on patients from careroster_runtime",
    line: /^✗ patients: .* — .*careroster_app has TRUNCATE/m,
  },
];

describe("npm run db:check-rls (the CLI itself, as a child process)", () => {
  let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
  beforeAll(async () => {
    scratch = await scratchDatabase(SCRATCH);
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  for (const b of breakages) {
    it(`exits 1 and prints the ✗ line for ${b.what}`, async () => {
      await scratch.sql.unsafe(b.apply);
      try {
        const { code, out } = await checkRls(scratch.runtimeUrl);
        expect(out).toMatch(b.line);
        expect(out).toContain("RLS posture has problems (see ✗ above).");
        expect(code).toBe(1);
      } finally {
        await scratch.sql.unsafe(b.undo);
      }
    });
  }

  it("no longer prints those lines once each breakage is undone", async () => {
    const { out } = await checkRls(scratch.runtimeUrl);
    for (const b of breakages) expect(out).not.toMatch(b.line);
  });

  // Holds once the owner role, pinned search_paths and revoked TEMPORARY/EXECUTE have landed.
  it("exits 0 and prints no ✗ against the real migrated test database", async () => {
    const { code, out } = await checkRls(runtimeUrl());
    expect(out).not.toContain("✗");
    expect(out).toContain("RLS posture OK.");
    expect(code).toBe(0);
  });
});
