import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigError } from "@/server/db/config";
import { parseEnv } from "@/server/env";

describe("environment schema", () => {
  it("every variable is optional and has its documented default", () => {
    expect(parseEnv({})).toMatchObject({
      PORT: 3000,
      DATABASE_POOL_MAX: 10,
      DATABASE_PREPARE: true,
      TRUST_PROXY: 0,
      SESSION_IDLE_MINUTES: 15,
      SESSION_MAX_HOURS: 12,
      BREAK_GLASS_MINUTES: 60,
      MAIL_FROM: "CareRoster <no-reply@careroster.invalid>",
      CAREROSTER_SKIP_DEMO: false,
    });
  });

  it("reads numbers, switches and blanks as unset", () => {
    expect(
      parseEnv({
        PORT: "4000",
        TRUST_PROXY: "2",
        DATABASE_PREPARE: "false",
        SESSION_IDLE_MINUTES: "0.5",
        SMTP_URL: "",
        CAREROSTER_SKIP_DEMO: "1",
      }),
    ).toMatchObject({
      PORT: 4000,
      TRUST_PROXY: 2,
      DATABASE_PREPARE: false,
      SESSION_IDLE_MINUTES: 0.5,
      SMTP_URL: undefined,
      CAREROSTER_SKIP_DEMO: true,
    });
    expect(parseEnv({ TRUST_PROXY: "false" }).TRUST_PROXY).toBe(0);
  });

  it.each([
    ["SESSION_IDLE_MINUTES", "abc"],
    ["SESSION_MAX_HOURS", "0"],
    ["PORT", "70000"],
    ["TRUST_PROXY", "yes"],
    ["DATABASE_POOL_MAX", "2.5"],
    ["DATABASE_PREPARE", "no"],
    ["BREAK_GLASS_MINUTES", "-1"],
    ["NEXTAUTH_URL", "localhost"],
  ])("%s=%j is one sentence naming the variable and the value", (name, value) => {
    const parse = () => parseEnv({ [name]: value });
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(new RegExp(`^${name} must be .+, not "${value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"\\.$`));
  });

  // A mail server URL carries its password: named, never echoed.
  it("SMTP_URL that is not a URL is one sentence naming the variable, without the value", () => {
    expect(() => parseEnv({ SMTP_URL: "smtps://user:hunter2 at mail" })).toThrow(
      /^SMTP_URL must be a mail server URL [^"]+\.$/,
    );
  });
});

describe("npm start with a bad variable", () => {
  it("stops before anything runs, with that one sentence and a non-zero exit", async () => {
    const run = promisify(execFile)("npx", ["tsx", "scripts/start.ts"], {
      env: { ...process.env, SESSION_IDLE_MINUTES: "abc" },
      timeout: 60_000,
    });
    const failure = await run.then(
      () => null,
      (err: { code?: number; stderr?: string }) => err,
    );
    expect(failure?.code).not.toBe(0);
    expect(failure?.stderr).toContain(
      'careroster: SESSION_IDLE_MINUTES must be a number of minutes greater than 0, not "abc".',
    );
    expect(failure?.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
