import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { envSchema } from "@/server/env";
import { renderConfigTable } from "@/server/env-docs";

describe("docs/configuration.md", () => {
  it("lists every variable of the env schema, exactly as `npm run docs:config` renders it", async () => {
    const text = readFileSync("docs/configuration.md", "utf8");
    const table = text.slice(text.indexOf("<!-- env:start -->") + 18, text.indexOf("<!-- env:end -->")).trim();
    expect(table).toBe((await renderConfigTable()).trim());
    for (const name of Object.keys(envSchema.shape)) expect(table, name).toContain(`\`${name}\``);
  });
});

describe("a bad secret", () => {
  it("is named in one sentence without its value", async () => {
    const { parseEnv } = await import("@/server/env");
    expect(() => parseEnv({ MFA_ENCRYPTION_KEY: "too-short-secret-value" })).toThrow(
      /^MFA_ENCRYPTION_KEY must be 32 bytes, written as base64 or as 64 hex digits\.$/,
    );
  });
});
