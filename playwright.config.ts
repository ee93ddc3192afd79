import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { E2E_MAIL_DIR } from "./e2e/mail";

const port = Number(process.env.E2E_PORT ?? 3100);
// Debian's chromium where it is installed (CI here); elsewhere Playwright's own browser.
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [["list"]],
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/ },
    { name: "journeys", dependencies: ["setup"], testIgnore: /break-glass\.spec\.ts/ },
    // Last: a grant widens what grey sees for an hour, which the other journeys count.
    { name: "emergency", dependencies: ["journeys"], testMatch: /break-glass\.spec\.ts/ },
  ],
  use: {
    baseURL: `http://localhost:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    ...devices["Desktop Chrome"],
    launchOptions: {
      executablePath,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  webServer: {
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
      NEXTAUTH_SECRET: "e2e-secret-used-only-by-the-playwright-run-0123456789",
      MFA_ENCRYPTION_KEY: "ZTJlLWtleS11c2VkLW9ubHktYnktcGxheXdyaWdodCE",
    },
  },
});
