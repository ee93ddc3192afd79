import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { Secret, TOTP } from "otpauth";
import { expect, type Browser, type BrowserContextOptions, type Page } from "@playwright/test";
import { DEMO_TOTP_SECRET, demoUsers } from "@/server/db/seed/demo-data";

// Two-factor codes for the journeys, computed with otpauth from the documented demo secret (DESIGN.md
// section 6) or a secret a journey enrolled. The server accepts each time step once per account
// (±1 step), so the last step used per account is kept in a file (one worker, several projects) and
// the next sign-in takes a later step, waiting for it when the window is used up.

const STEPS_FILE = ".auth/totp-steps.json";
const PERIOD_MS = 30_000;

const readSteps = (): Record<string, number> =>
  existsSync(STEPS_FILE) ? (JSON.parse(readFileSync(STEPS_FILE, "utf8")) as Record<string, number>) : {};

export const demoEmails = new Set(Object.values(demoUsers).map((u) => u.email));

/** A code for `account` that the server has not seen yet (waits up to ~30 s when needed). */
export async function nextCode(account: string, secret: string = DEMO_TOTP_SECRET): Promise<string> {
  const steps = readSteps();
  const last = steps[account] ?? 0;
  let now = Math.floor(Date.now() / PERIOD_MS);
  let step = Math.max(now, last + 1);
  while (step > now + 1) {
    await new Promise((r) => setTimeout(r, (now + 1) * PERIOD_MS - Date.now() + 250));
    now = Math.floor(Date.now() / PERIOD_MS);
    step = Math.max(now, last + 1);
  }
  mkdirSync(".auth", { recursive: true });
  writeFileSync(STEPS_FILE, JSON.stringify({ ...readSteps(), [account]: step }));
  return new TOTP({ secret: Secret.fromBase32(secret), period: 30, digits: 6, algorithm: "SHA1" }).generate({
    timestamp: step * PERIOD_MS,
  });
}

/** The sign-in form's second step: the authenticator code. */
export async function enterCode(page: Page, account: string, secret?: string) {
  const field = page.getByLabel("Authentication code");
  await expect(field).toBeVisible();
  await field.fill(await nextCode(account, secret));
  await page.getByRole("button", { name: "Verify and sign in" }).click();
}

/** Email, password and (for the demo accounts, all enrolled) the code, through the real form on the current page. */
export async function fillSignIn(page: Page, email: string, password = "demo-password") {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  if (demoEmails.has(email)) await enterCode(page, email);
}

/** A clinician in a browser of their own, signed in afresh (a session of its own, not the saved one), on Today. */
export async function clinicianSignIn(browser: Browser, email: string, options?: BrowserContextOptions) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.goto("/login");
  await fillSignIn(page, email);
  await expect(page.getByRole("heading", { name: "Today", level: 1 })).toBeVisible();
  return { context, page };
}
