import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { E2E_DNS_PORT } from "@/e2e/dns";
import { E2E_MAIL_DIR } from "@/e2e/mail";

const port = Number(process.env.E2E_PORT ?? 3100);
// E2E_BASE_URL: run the journeys against an app that is already running (no server of our own).
const externalApp = process.env.E2E_BASE_URL;
// Debian's chromium where it is installed (CI here); elsewhere Playwright's own browser.
// Playwright runs a dependency project unfiltered, so the journeys (which "emergency" depends on)
// take the command line's --grep themselves: `--grep @admin` then runs the admin journeys only.
const flag = process.argv.findIndex((a) => a === "--grep" || a === "-g" || a.startsWith("--grep="));
const cliGrep =
  flag < 0
    ? undefined
    : process.argv[flag].startsWith("--grep=")
      ? process.argv[flag].slice(7)
      : process.argv[flag + 1];
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  // The HTML report (with the traces and screenshots of failures) opens with `npx playwright show-report`.
  reporter: [["list"], ["html", { outputFolder: "playwright-report", open: "never" }]],
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/ },
    {
      name: "journeys",
      dependencies: ["setup"],
      testIgnore: /break-glass\.spec\.ts/,
      grep: cliGrep ? new RegExp(cliGrep) : undefined,
    },
    // Last: a grant widens what grey sees for an hour, which the other journeys count.
    { name: "emergency", dependencies: ["journeys"], testMatch: /break-glass\.spec\.ts/ },
  ],
  use: {
    baseURL: externalApp ?? `http://localhost:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    ...devices["Desktop Chrome"],
    launchOptions: {
      executablePath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: externalApp
    ? undefined
    : {
        // The real start command, on its own fresh database and data directory.
        command: "npx tsx scripts/start.ts",
        url: `http://localhost:${port}/api/health`,
        timeout: 300_000,
        reuseExistingServer: false,
        stdout: "pipe",
        env: {
          PORT: String(port),
          CAREROSTER_DATA_DIR: ".data/e2e",
          CAREROSTER_DATABASE: "careroster_e2e",
          CAREROSTER_FRESH_DB: "1",
          // No SMTP_URL: invitations and reset links land here as .eml files, read by e2e/accounts.spec.ts.
          CAREROSTER_MAIL_DIR: E2E_MAIL_DIR,
          // SSO domain checks ask the DNS server the SSO journey runs (e2e/two-factor.spec.ts).
          CAREROSTER_DNS_SERVER: `127.0.0.1:${E2E_DNS_PORT}`,
          NEXTAUTH_SECRET: "e2e-secret-used-only-by-the-playwright-run-0123456789",
          MFA_ENCRYPTION_KEY: "ZTJlLWtleS11c2VkLW9ubHktYnktcGxheXdyaWdodCE",
          // The journeys' identity provider (e2e/idp.ts) is plain http on loopback.
          CAREROSTER_SSO_ALLOW_HTTP_LOOPBACK: "1",
          // The signed-in states auth.setup saves once must outlive a slow run: with the default 15
          // idle minutes every journey after that point met the sign-in page. The idle logoff itself
          // is tested in Vitest (tests/api/http.test.ts).
          SESSION_IDLE_MINUTES: "120",
        },
      },
});
