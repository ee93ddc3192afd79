import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { ADMIN_PAGES } from "./pages";
import { as } from "./state";

// Every page of the app at a phone's width (390×844) and at 1280×800: no horizontal page scroll,
// no serious or critical axe violation. Screenshots of each go to the test's output folder.

const phone = { width: 390, height: 844 };
const desktop = { width: 1280, height: 800 };

async function check(page: Page, name: string, outputPath: (n: string) => string) {
  for (const [size, viewport] of [
    ["phone", phone],
    ["desktop", desktop],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(50);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${name} at ${viewport.width} px is ${width} px wide`).toBeLessThanOrEqual(viewport.width);
    await page.screenshot({ path: outputPath(`${name}-${size}.png`) });
  }
  await page.setViewportSize(phone);
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${name}: ${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

async function visitAll(
  browser: Browser,
  state: string | undefined,
  paths: (page: Page) => Promise<string[]>,
  outputPath: (n: string) => string,
) {
  const context = await browser.newContext({ storageState: state, viewport: phone });
  const page = await context.newPage();
  for (const path of await paths(page)) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
    await check(page, path.replace(/[^a-z0-9]+/gi, "_"), outputPath);
  }
  await context.close();
}

async function firstChart(page: Page): Promise<string> {
  await page.goto("/patients");
  const href = await page.getByRole("table", { name: "Patients" }).getByRole("link").first().getAttribute("href");
  return href!;
}

test("signed out: sign-in, forgot and reset password, invitation pages fit 390 px", async ({ browser }, testInfo) => {
  await visitAll(
    browser,
    undefined,
    async () => ["/login", "/forgot-password", `/reset-password/${"x".repeat(43)}`, `/invite/${"x".repeat(43)}`],
    (n) => testInfo.outputPath(n),
  );
});

test("clinician pages (today, list, chart, new patient, directory, cover, account, 404) fit 390 px", async ({
  browser,
}, testInfo) => {
  test.setTimeout(180_000);
  await visitAll(
    browser,
    as.grey,
    async (page) => [
      "/today",
      "/patients",
      await firstChart(page),
      "/patients/new",
      "/directory",
      "/coverage",
      "/account",
      "/patients/00000000-0000-4000-8000-000000000000",
    ],
    (n) => testInfo.outputPath(n),
  );
});

test("admin pages (overview, members, care teams, patients, audit, emergency, access, report, security, apps, settings, 403) fit 390 px", async ({
  browser,
}, testInfo) => {
  test.setTimeout(240_000);
  await visitAll(
    browser,
    as.northAdmin,
    async () => [...ADMIN_PAGES, "/coverage", "/directory", "/account"],
    (n) => testInfo.outputPath(n),
  );
  // The 403 page, for a clinician.
  await visitAll(
    browser,
    as.grey,
    async () => ["/admin/members"],
    (n) => testInfo.outputPath(`forbidden-${n}`),
  );
});

test("the confirmation dialog at phone size: names the person, Cancel changes nothing, Escape closes, focus returns, no axe violation", async ({
  browser,
}, testInfo) => {
  const context = await browser.newContext({ storageState: as.northAdmin, viewport: phone });
  const page = await context.newPage();
  await page.goto("/admin/members");
  const row = page.getByRole("row", { name: /Dr. Meredith Grey/ });
  const before = await row.textContent();
  const button = page.getByRole("button", { name: "Make admin Dr. Meredith Grey" });
  await button.click();
  const dialog = page.getByRole("dialog", { name: "Make Dr. Meredith Grey an admin?" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
  const { violations } = await new AxeBuilder({ page }).include("dialog[open]").analyze();
  expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
  await page.screenshot({ path: testInfo.outputPath("dialog-phone.png") });
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(button).toBeFocused();
  await button.click();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toHaveText(before!);
  await context.close();
});
