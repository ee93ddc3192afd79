import { expect, test, type Page } from "@playwright/test";
import { addDays, formatDate, isoDay } from "@/lib/time";
import { demoPanel } from "@/server/db/seed/demo-data";
import { as } from "./state";

// The schedule moved through by day and week, booking from a free slot, the admin's side-by-side
// day, and the patient list's search kept in the URL: each checked at a phone's width and at
// 1280 px (no horizontal scroll), with screenshots under SHOTS.

const SHOTS = process.env.E2E_SHOTS_DIR ?? "/tmp/shots/schedule";
const widths = [
  ["desktop", { width: 1280, height: 800 }],
  ["phone", { width: 390, height: 844 }],
] as const;

/** Both widths: nothing wider than the window, and a full-page screenshot of each. */
async function shoot(page: Page, name: string) {
  for (const [size, viewport] of widths) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(50);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${name} at ${viewport.width} px is ${width} px wide`).toBeLessThanOrEqual(viewport.width);
    await page.screenshot({ path: `${SHOTS}/${name}-${size}.png`, fullPage: true });
  }
  await page.setViewportSize(widths[0][1]);
}

// The demo practices have no zone chosen: the server's (UTC in the journeys' server).
const today = () => isoDay(new Date(), process.env.TZ || "UTC");
const grey = demoPanel("grey", "northside");

test.describe("as Dr Grey", () => {
  test.use({ storageState: as.grey });

  test("moves through the schedule by day and week, by keyboard too", { tag: "@clinician" }, async ({ page }) => {
    await page.goto("/today");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Today");
    await expect(page.getByTestId("schedule-summary")).toContainText("(today)");
    await expect(page.getByTestId("schedule-summary")).toContainText("times in");
    await shoot(page, "today");

    const nav = page.getByRole("navigation", { name: "Schedule" });
    await nav.getByRole("link", { name: "Next day →" }).click();
    const tomorrow = addDays(today(), 1);
    await expect(page).toHaveURL(new RegExp(`/today\\?date=${tomorrow}$`));
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Schedule");
    // The demo books every one of grey's patients tomorrow (16 a day, the rest the day after).
    const visits = page.getByRole("list", { name: "Visits and free slots" }).locator("li.visit");
    await expect(visits.first()).toBeVisible();
    expect(await visits.count()).toBeGreaterThan(0);
    await shoot(page, "day-tomorrow");

    await nav.getByRole("link", { name: "Week" }).click();
    await expect(page).toHaveURL(new RegExp(`view=week`));
    await expect(page.locator(".week-day")).toHaveCount(7);
    await expect(page.getByTestId("schedule-summary")).toContainText("Week of Mon");
    await shoot(page, "week");
    await page.screenshot({ path: "docs/screenshots/week.png" });
    await nav.getByRole("link", { name: "Previous week" }).click();
    await expect(page).toHaveURL(new RegExp(`date=${addDays(tomorrow, -7)}&view=week`));
    await page.goBack();
    await expect(page).toHaveURL(new RegExp(`date=${tomorrow}&view=week`));

    // A typed date in the app's format; then Today, by keyboard.
    const target = "2031-04-04";
    await nav.getByLabel("Go to date").fill(formatDate(target));
    await nav.getByLabel("Go to date").press("Enter");
    await expect(page).toHaveURL(new RegExp(`date=${target}&view=week`));
    await nav.getByLabel("Go to date").fill("31 Feb 2031");
    await nav.getByRole("button", { name: "Go" }).click();
    await expect(nav.locator(".field-error")).toContainText("Enter a date such as");
    await nav.getByRole("link", { name: "Today" }).focus();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(new RegExp(`date=${today()}`));
    await nav.getByRole("link", { name: "Day", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Today");
  });

  test("books a visit from a free slot of the day view", { tag: "@clinician" }, async ({ page }) => {
    const day = addDays(today(), 40);
    await page.goto(`/today?date=${day}`);
    await expect(
      page.getByRole("region", { name: /^Your visits on/ }).getByText("No visits booked with you on"),
    ).toBeVisible();
    const slot = page.getByRole("button", { name: /^Free Book 10:30 \S+ with Dr\. Meredith Grey$/ });
    await slot.click();
    const form = page.getByRole("region", { name: /^Book a visit on/ });
    await expect(form.getByRole("heading", { name: /^Book a visit on/ })).toBeFocused();
    await expect(form.getByLabel(/^Time/)).toHaveValue("10:30");
    // Bad input first: nothing chosen, nothing written.
    await form.getByRole("button", { name: "Book visit" }).click();
    await expect(form.getByRole("alert")).toContainText("Please correct the highlighted fields.");
    await shoot(page, "booking-form");

    const patient = grey[1];
    await form.getByLabel("Find the patient").fill(patient.mrn);
    await expect(form.getByLabel("Patient", { exact: true }).locator("option")).toHaveCount(2);
    await form.getByLabel("Patient", { exact: true }).selectOption({ index: 1 });
    await form.getByLabel("Visit type").selectOption("consultation");
    await expect(form.getByLabel("Length (minutes)")).toHaveValue("30");
    await form.getByLabel("Reason").fill("Booked from the day view");
    await form.getByRole("button", { name: "Book visit" }).click();
    await expect(page.getByRole("status")).toContainText(`Visit booked: ${patient.familyName}, ${patient.givenName}`);
    const card = page.locator("li.visit", { hasText: "Booked from the day view" });
    await expect(card).toContainText("10:30");
    await expect(card).toContainText("11:00");
    // The slot it took is no longer offered; the next one is.
    await expect(page.getByRole("button", { name: /^Free Book 10:30/ })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Free Book 11:00/ })).toBeVisible();
    await shoot(page, "booked");

    // The database's overlap rule still holds from here: 10:45 is inside the new visit.
    await page.getByRole("button", { name: `Book a visit on`, exact: false }).click();
    await form.getByLabel("Find the patient").fill(grey[2].mrn);
    await expect(form.getByLabel("Patient", { exact: true }).locator("option")).toHaveCount(2);
    await form.getByLabel("Patient", { exact: true }).selectOption({ index: 1 });
    await form.getByLabel(/^Time/).selectOption("10:45");
    await form.getByLabel("Reason").fill("Overlapping on purpose");
    await form.getByRole("button", { name: "Book visit" }).click();
    await expect(form.getByRole("alert")).toContainText("already has a visit that overlaps");
    await expect(page.locator("li.visit", { hasText: "Overlapping on purpose" })).toHaveCount(0);
  });

  test("search, sort and length stay in the URL through reload and Back", { tag: "@clinician" }, async ({ page }) => {
    const patient = grey[4];
    await page.goto("/patients");
    const search = page.getByLabel("Search by name, MRN or birth date");
    await search.fill(`${patient.familyName}, ${patient.givenName}`);
    await expect(page).toHaveURL(/\?q=/);
    const link = page.getByRole("link", { name: `${patient.familyName}, ${patient.givenName}` });
    await expect(link).toBeVisible();
    await page.getByLabel("Sort by").selectOption("lastVisit");
    await expect(page).toHaveURL(/sort=lastVisit/);
    await shoot(page, "search-family-given");

    await page.reload();
    await expect(search).toHaveValue(`${patient.familyName}, ${patient.givenName}`);
    await expect(page.getByLabel("Sort by")).toHaveValue("lastVisit");
    await expect(link).toBeVisible();

    await link.click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${patient.givenName} ${patient.familyName}`);
    await page.goBack();
    await expect(search).toHaveValue(`${patient.familyName}, ${patient.givenName}`);
    await expect(link).toBeVisible();

    await search.fill(formatDate(patient.birthDate));
    await expect(link).toBeVisible();
    await shoot(page, "search-birth-date");
  });

  test("signing a note is a primary action, not a destructive one", { tag: "@clinician" }, async ({ page }) => {
    await page.goto("/patients?q=DEMO-N-0001");
    await page.getByRole("table", { name: "Patients" }).getByRole("link").first().click();
    await page
      .getByRole("button", { name: /^Sign your draft/ })
      .first()
      .click();
    const dialog = page.getByRole("dialog", { name: "Sign this note?" });
    const sign = dialog.getByRole("button", { name: "Sign note" });
    await expect(sign).toBeVisible();
    await expect(sign).not.toHaveClass(/danger/);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SHOTS}/sign-dialog-phone.png` });
    await dialog.getByRole("button", { name: "Cancel" }).click();
  });
});

test.describe("as the Northside admin", () => {
  test.use({ storageState: as.northAdmin });

  test(
    "sees every clinician's day side by side and is asked for the time zone",
    { tag: "@admin" },
    async ({ page }) => {
      await page.goto("/admin");
      const prompt = page.getByRole("region", { name: "Choose the practice's time zone" });
      await expect(prompt).toBeVisible();
      await expect(prompt.getByLabel("Practice time zone")).toHaveValue(/.+/);
      await shoot(page, "admin-overview-time-zone");

      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Schedule" }).click();
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Practice schedule");
      await page.getByRole("navigation", { name: "Schedule" }).getByRole("link", { name: "Next day →" }).click();
      for (const name of ["Dr. Meredith Grey", "Dr. Derek Shepherd"]) {
        await expect(page.getByRole("heading", { level: 2, name })).toBeVisible();
      }
      await expect(page.locator(".day-column li.visit").first()).toBeVisible();
      await shoot(page, "admin-day");
      await page.screenshot({ path: "docs/screenshots/practice-schedule.png" });
    },
  );
});

test("an empty sign-in is answered as such", { tag: "@security" }, async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  const alert = page.locator("main form").getByRole("alert");
  await expect(alert).toHaveText("Enter your email.");
  await page.getByLabel("Email").fill("grey@northside.test");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(alert).toHaveText("Enter your password.");
  await shoot(page, "sign-in-empty");
  await context.close();
});
