import { describe, expect, it } from "vitest";
import { checkRuntimeRole, ConfigError, parseDatabaseUrl } from "@/server/db/config";
import { migrate } from "@/server/db/migrate";
import { seedDemo } from "@/server/db/seed/demo";
import { authUrl, ownerSql, ownerUrl, runtimeUrl } from "@/tests/helpers/db";

const configError = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return (err as Error).message;
};

describe("bootstrap", () => {
  it("migrate is idempotent and the demo seed never touches a database with data", async () => {
    const [{ before }] = await ownerSql()`select count(*)::int as before from drizzle.__drizzle_migrations`;
    const [{ patients }] = await ownerSql()`select count(*)::int as patients from patients`;
    await migrate(ownerUrl(), runtimeUrl(), authUrl());
    expect(await seedDemo(ownerUrl())).toBe(false);
    const [{ after }] = await ownerSql()`select count(*)::int as after from drizzle.__drizzle_migrations`;
    const [{ again }] = await ownerSql()`select count(*)::int as again from patients`;
    expect({ after, again }).toEqual({ after: before, again: patients });
  });

  it("refuses a runtime role that bypasses RLS, with one sentence", async () => {
    expect(await configError(checkRuntimeRole(ownerUrl()))).toMatch(/superuser, can bypass RLS or owns tables/);
  });

  it("refuses an unreachable database and a malformed URL, with one sentence", async () => {
    expect(await configError(checkRuntimeRole("postgres://nobody:x@127.0.0.1:1/nowhere"))).toMatch(
      /^Cannot reach the database "nowhere"/,
    );
    expect(() => parseDatabaseUrl("not a url", "DATABASE_URL")).toThrow(/DATABASE_URL is not a valid URL/);
    expect(() => parseDatabaseUrl("mysql://a:b@h/db", "DATABASE_URL")).toThrow(/must look like postgres:/);
  });

  it("on another server with only DATABASE_URL and DATABASE_OWNER_URL, makes the sign-in login itself", async () => {
    const { mkdtemp, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const path = await import("node:path");
    const { prepareDatabase } = await import("@/server/db/bootstrap");
    const saved = { ...process.env };
    const dataDir = await mkdtemp(path.join(tmpdir(), "careroster-signin-"));
    const external = { DATABASE_URL: runtimeUrl(), DATABASE_OWNER_URL: ownerUrl(), CAREROSTER_DATA_DIR: dataDir };
    try {
      delete process.env.DATABASE_AUTH_URL;
      Object.assign(process.env, external, { CAREROSTER_SKIP_DEMO: "1" });
      const prepared = await prepareDatabase({ database: "careroster_signin_test", recreate: true });
      const { user } = parseDatabaseUrl(prepared.authUrl, "DATABASE_AUTH_URL");
      expect(user).toBe(`${parseDatabaseUrl(runtimeUrl(), "DATABASE_URL").user}_signin`);
      // The login works and holds the sign-in path's rights, which the runtime login does not.
      const signIn = (await import("postgres")).default(prepared.authUrl, { max: 1, onnotice: () => {} });
      try {
        await expect(signIn`select * from app_auth_user('nobody@example.test')`).resolves.toEqual([]);
      } finally {
        await signIn.end();
      }
      // A second start reads the same password back.
      const again = await prepareDatabase({ database: "careroster_signin_test" });
      expect(again.authUrl).toBe(prepared.authUrl);
    } finally {
      process.env = saved;
      const server = (await import("postgres")).default(ownerUrl().replace(/\/[^/]*$/, "/postgres"), { max: 1 });
      await server`drop database if exists careroster_signin_test with (force)`;
      await server.end();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("accepts the app's runtime role", async () => {
    await expect(checkRuntimeRole(runtimeUrl())).resolves.toBeUndefined();
  });
});
