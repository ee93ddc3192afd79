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

  it("accepts the app's runtime role", async () => {
    await expect(checkRuntimeRole(runtimeUrl())).resolves.toBeUndefined();
  });
});
