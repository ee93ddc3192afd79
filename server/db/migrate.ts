import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate as runMigrations } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { ConfigError, parseDatabaseUrl } from "./config";

const MIGRATIONS = path.join(process.cwd(), "drizzle");
const ROLES = readFileSync(path.join(MIGRATIONS, "bootstrap", "roles.sql"), "utf8");

/**
 * The migration that adds an enum value which a later one uses in a SQL function. drizzle applies
 * every pending migration in one transaction, and PostgreSQL before 17 refuses a value added in
 * the same transaction even on a type created in it: there the first batch ends here.
 */
const ENUM_VALUE_ADDED = "0010_invitations";

/** drizzle/ with its journal cut after `lastTag`, in a temporary folder (drizzle's migrator reads a folder). */
function migrationsUpTo(lastTag: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "careroster-migrations-"));
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS, "meta", "_journal.json"), "utf8")) as {
    entries: { tag: string }[];
  };
  const entries = journal.entries.slice(0, journal.entries.findIndex((e) => e.tag === lastTag) + 1);
  cpSync(path.join(MIGRATIONS, "meta"), path.join(dir, "meta"), { recursive: true });
  writeFileSync(path.join(dir, "meta", "_journal.json"), JSON.stringify({ ...journal, entries }));
  for (const e of entries) cpSync(path.join(MIGRATIONS, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  return dir;
}

/**
 * Creates the roles (drizzle/bootstrap/roles.sql), applies drizzle/ as careroster_owner (idempotent:
 * drizzle records what ran), then makes sure the runtime LOGIN role named by `runtimeUrl` exists,
 * can connect, is a member of the careroster_runtime group that grants and policies name, and may
 * switch to the two session roles; the same for the sign-in path's login named by `authUrl`
 * (careroster_auth: password hashes, new sessions, SSO sign-in, jobs). `ownerUrl` names the migrating login: a superuser, or a role
 * that is a member of careroster_owner with CREATEROLE (see README, "Your own server").
 */
export async function migrate(ownerUrl: string, runtimeUrl: string, authUrl: string): Promise<void> {
  const runtime = parseDatabaseUrl(runtimeUrl, "DATABASE_URL");
  const auth = parseDatabaseUrl(authUrl, "DATABASE_AUTH_URL");
  if (auth.user === runtime.user)
    throw new ConfigError("DATABASE_AUTH_URL must name a different login from DATABASE_URL's: that is its point.");
  const owner = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  try {
    // One migrator at a time per database (parallel test workers, two app instances).
    await owner`select pg_advisory_lock(hashtext('careroster:migrate'))`;
    await owner.unsafe(ROLES);
    // Everything the migrations create is owned by the non-superuser owner role.
    await owner`set role careroster_owner`;
    const [{ version }] = await owner<
      { version: number }[]
    >`select current_setting('server_version_num')::int as version`;
    if (version < 170000) {
      const firstBatch = migrationsUpTo(ENUM_VALUE_ADDED);
      try {
        await runMigrations(drizzle({ client: owner }), { migrationsFolder: firstBatch });
      } finally {
        rmSync(firstBatch, { recursive: true, force: true });
      }
    }
    await runMigrations(drizzle({ client: owner }), { migrationsFolder: MIGRATIONS });
    await owner`reset role`;
    for (const [login, groups] of [
      [runtime, "careroster_runtime, careroster_admin, careroster_clinician"],
      [auth, "careroster_auth, careroster_runtime, careroster_admin, careroster_clinician"],
    ] as const) {
      const [exists] = await owner`select 1 from pg_roles where rolname = ${login.user}`;
      if (!exists) {
        const [{ stmt }] = await owner<{ stmt: string }[]>`
          select format('create role %I login password %L nosuperuser nobypassrls nocreatedb nocreaterole inherit',
                        ${login.user}::text, ${login.password}::text) as stmt`;
        await owner.unsafe(stmt);
      }
      const [{ grants }] = await owner<{ grants: string }[]>`
        select format('grant %s to %I; grant connect on database %I to %I',
                      ${groups}::text, ${login.user}::text, current_database(), ${login.user}::text) as grants`;
      await owner.unsafe(grants);
    }
    await owner`select pg_advisory_unlock(hashtext('careroster:migrate'))`;
  } finally {
    await owner.end();
  }
}
