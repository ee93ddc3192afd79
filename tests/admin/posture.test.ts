import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { describe, expect, it } from "vitest";
import { readPosture, type CheckId, type Posture } from "@/server/security/posture";
import { isSafeSearchPath, searchPathSchemas } from "@/server/security/search-path";
import { ownerSql } from "@/tests/helpers/db";

class Rollback extends Error {}

/** The posture as seen for careroster_app after `breakage` ran as the superuser, rolled back afterwards. */
async function postureAfter(breakage: string, role = "careroster_app"): Promise<Posture> {
  let posture: Posture | undefined;
  await drizzle({ client: ownerSql() })
    .transaction(async (tx) => {
      await tx.execute(sql.raw(breakage));
      posture = await readPosture(tx, role);
      throw new Rollback();
    })
    .catch((err: unknown) => {
      if (!(err instanceof Rollback)) throw err;
    });
  return posture!;
}

const problems = (p: Posture, check: CheckId) => p.checks.find((c) => c.id === check)!.problems;
const onDatabase = (stmt: string) => `do $$ begin execute format('${stmt}', current_database()); end $$`;

describe("search_path as stored in proconfig", () => {
  it("splits on commas outside double quotes only", () => {
    expect(searchPathSchemas("pg_catalog, pg_temp")).toEqual(["pg_catalog", "pg_temp"]);
    expect(searchPathSchemas('"$user", public')).toEqual(["$user", "public"]);
    expect(searchPathSchemas('"pg_catalog, pg_temp"')).toEqual(["pg_catalog, pg_temp"]);
    expect(searchPathSchemas('"a""b", c')).toEqual(['a"b', "c"]);
    expect(searchPathSchemas('""')).toEqual([""]);
  });

  it("is safe only when pinned and empty or ending in pg_temp", () => {
    expect(isSafeSearchPath("pg_catalog, pg_temp")).toBe(true);
    expect(isSafeSearchPath('""')).toBe(true);
    expect(isSafeSearchPath("pg_catalog, pg_temp, public")).toBe(false);
    expect(isSafeSearchPath("pg_catalog, public")).toBe(false);
    expect(isSafeSearchPath('"pg_catalog, pg_temp"')).toBe(false);
    expect(isSafeSearchPath(null)).toBe(false);
  });
});

describe("readPosture, one check at a time (each breakage rolled back)", () => {
  it("rls: a table without RLS enabled, or without FORCE", async () => {
    const p = await postureAfter(`create table scratch_open (id int); create table scratch_unforced (id int);
      alter table scratch_unforced enable row level security; create policy r on scratch_unforced for select using (true)`);
    expect(p.tables.find((t) => t.table === "scratch_open")!.problems).toContain("RLS is not enabled");
    expect(problems(p, "rls")).toContain("table scratch_unforced: RLS is not forced (the owner would bypass it)");
    expect(p.ok).toBe(false);
  });

  it("withCheck: a write policy without WITH CHECK", async () => {
    const p = await postureAfter(
      "create policy loose_update on patients for update to careroster_runtime using (true)",
    );
    expect(problems(p, "withCheck")).toEqual(["table patients: policy loose_update (UPDATE) has no WITH CHECK"]);
  });

  it("runtimeRole: a superuser, a role it can switch to with BYPASSRLS, a function it owns", async () => {
    expect((await postureAfter("select 1", "postgres")).runtimeRole.problems).toContain("is a superuser");
    const p =
      await postureAfter(`create role scratch_bypass nologin bypassrls; grant scratch_bypass to careroster_admin;
      create function scratch_mine() returns int language sql as 'select 1'; alter function scratch_mine() owner to careroster_app`);
    expect(p.runtimeRole.actsAs).toEqual(
      expect.arrayContaining(["careroster_admin", "careroster_runtime", "scratch_bypass"]),
    );
    expect(problems(p, "runtimeRole")).toEqual(
      expect.arrayContaining([
        "runtime role careroster_app: can act as scratch_bypass, which has BYPASSRLS",
        "runtime role careroster_app: owns 1 function(s)",
      ]),
    );
    expect((await postureAfter("select 1", "nobody_here")).runtimeRole.problems).toEqual(["does not exist"]);
  });

  it("definer: search_path missing, or not ending in pg_temp; pg_temp last or empty passes", async () => {
    const p = await postureAfter(`
      create function scratch_unpinned() returns int language sql security definer as 'select 1';
      create function scratch_public() returns int language sql security definer set search_path = public as 'select 1';
      create function scratch_quoted() returns int language sql security definer set search_path = 'pg_catalog, pg_temp' as 'select 1';
      create function scratch_temp_last() returns int language sql security definer set search_path = pg_catalog, pg_temp as 'select 1';
      create function scratch_empty() returns int language sql security definer set search_path = '' as 'select 1'`);
    const definer = (name: string) =>
      p.functions.find((f) => f.name === `${name}()`)!.problems.filter((x) => x.startsWith("SECURITY DEFINER"));
    expect(definer("scratch_unpinned")).toEqual([
      "SECURITY DEFINER without a pinned search_path (the caller's temporary objects can shadow the names it uses)",
    ]);
    expect(definer("scratch_public")).toHaveLength(1);
    expect(definer("scratch_quoted")).toHaveLength(1);
    expect(definer("scratch_temp_last")).toEqual([]);
    expect(definer("scratch_empty")).toEqual([]);
    expect(p.functions.find((f) => f.name === "scratch_empty()")!.searchPath).toBe('""');
  });

  it("publicExecute: the default (NULL proacl) and an explicit grant count; a revoke clears it", async () => {
    const p = await postureAfter(`
      create function scratch_default() returns int language sql as 'select 1';
      create function scratch_granted() returns int language sql as 'select 1';
      revoke execute on function scratch_granted() from public; grant execute on function scratch_granted() to public;
      create function scratch_revoked() returns int language sql as 'select 1';
      revoke execute on function scratch_revoked() from public`);
    const open = problems(p, "publicExecute");
    expect(open).toEqual(
      expect.arrayContaining([
        "function scratch_default(): executable by PUBLIC",
        "function scratch_granted(): executable by PUBLIC",
      ]),
    );
    expect(open).not.toContain("function scratch_revoked(): executable by PUBLIC");
  });

  it("functions of an extension are not the app's", async () => {
    const p = await postureAfter("create extension citext schema public");
    expect(p.functions.some((f) => f.name.startsWith("citext"))).toBe(false);
  });

  it("ownership: tables, functions, sequences and the public schema owned by a superuser; a plain owner passes", async () => {
    const p = await postureAfter(`create role scratch_owner nologin;
      create table scratch_super (id serial); create table scratch_plain (id int); alter table scratch_plain owner to scratch_owner;
      create function scratch_def() returns int language sql security definer set search_path = '' as 'select 1';
      alter schema public owner to postgres`);
    const owned = problems(p, "ownership");
    expect(owned).toEqual(
      expect.arrayContaining([
        "table scratch_super: owned by superuser postgres",
        "function scratch_def(): owned by superuser postgres, so it runs as a superuser",
        `database ${p.database.name}: sequence scratch_super_id_seq is owned by superuser postgres`,
        `database ${p.database.name}: schema public is owned by superuser postgres`,
      ]),
    );
    expect(owned.filter((x) => x.includes("scratch_plain"))).toEqual([]);
  });

  it("create: TEMPORARY or CREATE on the database, CREATE on any schema, for PUBLIC or through a role the login can switch to", async () => {
    const p = await postureAfter(`${onDatabase("grant temporary, create on database %I to public")};
      create schema scratch_schema; grant create on schema scratch_schema to public;
      grant create on schema public to careroster_admin`);
    expect(p.database.problems).toEqual(
      expect.arrayContaining([
        "PUBLIC may create temporary objects (TEMPORARY on the database)",
        "careroster_app may create temporary objects (TEMPORARY on the database)",
        "PUBLIC may create schemas (CREATE on the database)",
        "careroster_app may create schemas (CREATE on the database)",
        "PUBLIC may create objects in schema scratch_schema",
        "careroster_app may create objects in schema scratch_schema",
        "careroster_app may create objects in schema public",
      ]),
    );
    const revoked = await postureAfter(onDatabase("revoke temporary, create on database %I from public"));
    expect(revoked.database).toMatchObject({
      publicTemp: false,
      runtimeTemp: false,
      publicCreate: false,
      runtimeCreate: false,
    });
    expect(problems(revoked, "create")).toEqual([]);
  });

  it("tableGrants: TRUNCATE, TRIGGER, and REFERENCES on a single column through a session role", async () => {
    const p = await postureAfter(`grant truncate, trigger on patients to careroster_runtime;
      grant references (id) on appointments to careroster_clinician`);
    expect(problems(p, "tableGrants")).toEqual([
      "table appointments: careroster_app has REFERENCES",
      "table patients: careroster_app has TRUNCATE, TRIGGER",
    ]);
  });
});
