import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { NO_CONNECTION } from "@/lib/forms";
import { demoPanel, fullName } from "@/server/db/seed/demo-data";
import { openChart } from "./chart";
import { as } from "./state";
import { fillSignIn } from "./totp";

// Landing pages, the loading state on navigation, focus after a route change, and no
// lost work (offline saves, note drafts kept on the device).

const panel = demoPanel("grey", "northside");

const activeElement = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el ? `${el.tagName.toLowerCase()}:${el.textContent?.trim() ?? ""}` : null;
  });

test(
  "the home page sends a clinician to Today and an admin to the overview",
  { tag: "@clinician" },
  async ({ browser }) => {
    for (const [state, url, heading] of [
      [as.grey, /\/today$/, "Today"],
      [as.northAdmin, /\/admin$/, "Overview"],
    ] as const) {
      const context = await browser.newContext({ storageState: state });
      const page = await context.newPage();
      await page.goto("/");
      await expect(page).toHaveURL(url);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
      await context.close();
    }
  },
);

test(
  "a missing chart is still an HTTP 404; a slow chart shows the loading bar while it loads",
  { tag: "@clinician" },
  async ({ browser }, testInfo) => {
    const context = await browser.newContext({ storageState: as.grey });
    const page = await context.newPage();
    const missing = await page.goto(`/patients/${randomUUID()}`);
    expect(missing?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();

    // The chart's server answer takes 2 s: the bar shows meanwhile, and goes when the chart is there.
    await page.route(/\/patients\/[0-9a-f-]{36}/, async (route) => {
      if (route.request().headers()["rsc"]) await new Promise((r) => setTimeout(r, 2_000));
      await route.continue();
    });
    for (const [name, viewport, patient] of [
      ["1280", { width: 1280, height: 800 }, panel[0]],
      ["390", { width: 390, height: 844 }, panel[1]],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.goto("/patients");
      await page
        .getByRole("table", { name: "Patients" })
        .getByRole("link", { name: `${patient.familyName}, ${patient.givenName}` })
        .click();
      await expect(page.getByTestId("navigation-pending")).toBeVisible();
      await page.screenshot({ path: testInfo.outputPath(`navigation-pending-${name}.png`) });
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(fullName(patient));
      await expect(page.getByTestId("navigation-pending")).toHaveCount(0);
    }
    await context.close();
  },
);

test(
  "after a client navigation focus is on the new page's heading, not on first load",
  { tag: "@clinician" },
  async ({ browser }) => {
    const context = await browser.newContext({ storageState: as.grey });
    const page = await context.newPage();
    await page.goto("/patients");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("My patients");
    expect(await activeElement(page)).not.toBe("h1:My patients");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Today" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Today" })).toBeFocused();
    expect(await activeElement(page)).toBe("h1:Today");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Patients" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "My patients" })).toBeFocused();
    const patient = panel[1];
    await page
      .getByRole("table", { name: "Patients" })
      .getByRole("link", { name: `${patient.familyName}, ${patient.givenName}` })
      .click();
    await expect(page.getByRole("heading", { level: 1 })).toBeFocused();
    expect(await activeElement(page)).toBe(`h1:${fullName(patient)}`);
    await context.close();

    // A streamed admin page (loading.tsx): focus waits for its heading.
    const admin = await browser.newContext({ storageState: as.northAdmin });
    const adminPage = await admin.newPage();
    await adminPage.goto("/admin");
    await adminPage
      .getByRole("navigation", { name: "Admin" })
      .getByRole("link", { name: /^Members/ })
      .click();
    await expect(adminPage.getByRole("heading", { level: 1, name: "Members" })).toBeFocused();
    await admin.close();
  },
);

test(
  "offline: the banner says so and a note save says it could not be saved; back online it saves",
  { tag: "@clinician" },
  async ({ browser }, testInfo) => {
    const context = await browser.newContext({ storageState: as.grey });
    const page = await context.newPage();
    await openChart(page, panel[12]);
    const banner = page.getByRole("alert").filter({ hasText: "You are offline" });
    await expect(banner).toHaveCount(0);
    await context.setOffline(true);
    await expect(banner).toBeVisible();
    const text = `Offline journey note ${Date.now()}`;
    await page.getByLabel("New note").fill(text);
    await page.getByRole("button", { name: "Add note" }).click();
    await expect(page.getByText(NO_CONNECTION)).toBeVisible();
    await expect(page.getByRole("button", { name: "Add note" })).toBeEnabled();
    await expect(page.getByLabel("New note")).toHaveValue(text);
    for (const [name, viewport] of [
      ["1280", { width: 1280, height: 800 }],
      ["390", { width: 390, height: 844 }],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.getByRole("button", { name: "Add note" }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: testInfo.outputPath(`offline-${name}.png`) });
    }
    await context.setOffline(false);
    await expect(banner).toBeHidden();
    await page.getByRole("button", { name: "Add note" }).click();
    await expect(page.getByRole("list", { name: "Notes" })).toContainText(text);
    await expect(page.getByLabel("New note")).toHaveValue("");
    await context.close();
  },
);

test(
  "a note being written is restored on the same chart after a reload and after signing out and in again (sign-in returns to the chart)",
  { tag: "@clinician" },
  async ({ browser }) => {
    // A session of its own: signing out must not end the saved grey session the other journeys use.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto("/login");
    await fillSignIn(page, "grey@northside.test");
    await expect(page).toHaveURL(/\/today$/);
    const patient = panel[13];
    await openChart(page, patient);
    const chart = page.url();
    const text = "Draft journey: reviewed the home readings, to be continued.";
    await page.getByLabel("New note").fill(text);

    await page.reload();
    await expect(page.getByLabel("New note")).toHaveValue(text);
    await expect(page.getByTestId("draft-restored")).toHaveText("Your unsaved note was restored from this device.");
    // Never in a URL.
    expect(page.url()).not.toContain("Draft");

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login/);
    // Signed out, the chart's address asks for sign-in and then returns to the chart (not to Today).
    await page.goto(chart);
    await expect(page).toHaveURL(/\/login\?callbackUrl=/);
    await fillSignIn(page, "grey@northside.test");
    await expect(page).toHaveURL(chart);
    await expect(page.getByLabel("New note")).toHaveValue(text);
    await expect(page.getByTestId("draft-restored")).toBeVisible();
    // Another chart's box is empty: the draft belongs to this patient.
    await openChart(page, panel[14]);
    await expect(page.getByLabel("New note")).toHaveValue("");
    await page.getByRole("button", { name: "Sign out" }).click();
    await context.close();
  },
);
