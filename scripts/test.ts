import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";

// `npm test`: the whole suite. Vitest (integration, on a fresh embedded database), then the
// Playwright journeys (which start the app through scripts/start.ts on their own database).
// Ends with one line of totals across both runners.

const out = path.resolve("reports"); // not test-results/: Playwright empties that folder
mkdirSync(out, { recursive: true });
const vitestJson = path.join(out, "vitest.json");
const playwrightJson = path.join(out, "playwright.json");

const steps: { cmd: string[]; env?: Record<string, string> }[] = [
  { cmd: ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestJson}`] },
  // The HTML report (playwright-report/, `npx playwright show-report`) is written as well, never opened.
  {
    cmd: ["playwright", "test", "--reporter=list,json,html"],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson, PLAYWRIGHT_HTML_OPEN: "never" },
  },
];

let failedSteps = 0;
for (const { cmd, env } of steps) {
  console.log(`\n▶ ${cmd.slice(0, 2).join(" ")}`);
  const { status } = spawnSync("npx", cmd, {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
  });
  if (status !== 0) failedSteps++;
}

const read = (file: string) => (existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : null);
const v = read(vitestJson);
const p = read(playwrightJson);
const passed = (v?.numPassedTests ?? 0) + (p?.stats?.expected ?? 0);
const failed = (v?.numFailedTests ?? 0) + (p?.stats?.unexpected ?? 0) + (p?.stats?.flaky ?? 0);
const skipped = (v?.numPendingTests ?? 0) + (v?.numTodoTests ?? 0) + (p?.stats?.skipped ?? 0);
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failedSteps || failed || !v || !p ? 1 : 0);
