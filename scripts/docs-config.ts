import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { renderConfigTable } from "@/server/env-docs";

// `npm run docs:config`: docs/configuration.md's table of variables, from the env schema's docs.
// `--check` only says whether the committed table is current (exit 1 when not).
const file = path.join(process.cwd(), "docs", "configuration.md");
const START = "<!-- env:start -->";
const END = "<!-- env:end -->";
const text = readFileSync(file, "utf8");
const from = text.indexOf(START);
const to = text.indexOf(END);
if (from < 0 || to < from) throw new Error(`${file} has no ${START} … ${END} section.`);
const next = `${text.slice(0, from + START.length)}\n\n${await renderConfigTable()}\n${text.slice(to)}`;
if (process.argv.includes("--check")) {
  if (next !== text) {
    console.error("docs/configuration.md is not current with server/env.ts: run `npm run docs:config`.");
    process.exit(1);
  }
  console.log("docs/configuration.md is current.");
} else {
  writeFileSync(file, next);
  console.log("Wrote docs/configuration.md.");
}
