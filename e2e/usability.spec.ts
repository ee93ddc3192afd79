import { expect, test, type Page } from "@playwright/test";
import { demoPanel, demoPatients, fullName } from "@/server/db/seed/demo-data";
import { openChart } from "./chart";
import { formatDate } from "@/lib/time";
import { noSeriousViolations } from "./axe";
import { as } from "./state";
import { clinicianSignIn } from "./totp";

// Destructive actions ask first, scheduling, one clock, locum switching, the Today page
// and the admin overview — at desktop and phone sizes. The README's screenshots are taken here.

const sizes = [
  ["desktop", { width: 1280, height: 800 }],
  ["phone", { width: 390, height: 844 }],
] as const;

async function book(page: Page, local: string, reason: string, minutes = 30) {
  const form = page.getByRole("form", { name: "Schedule an appointment" });
  await form.getByLabel("Starts at").fill(local);
  await form.getByLabel("Duration (minutes)").fill(String(minutes));
  await form.getByLabel("Reason").fill(reason);
  await form.getByRole("button", { name: "Schedule appointment" }).click();
}

for (const [name, viewport] of sizes) {
  test(`cancelling a visit asks first with a reason; Cancel changes nothing (${name})`, async ({
    browser,
  }, testInfo) => {
    const context = await browser.newContext({ storageState: as.grey, viewport });
    const page = await context.newPage();
    const patient = demoPanel("grey", "northside")[2];
    await openChart(page, patient);
    const when = name === "desktop" ? "2035-04-02T10:00" : "2035-04-03T10:00";
    await book(page, when, `Cancel journey ${name}`);
    await expect(page.getByRole("status").filter({ hasText: "Visit booked for" })).toBeVisible();
    const upcoming = page.getByRole("list", { name: "Upcoming appointments" });
    const item = upcoming.getByRole("listitem").filter({ hasText: `Cancel journey ${name}` });
    await expect(item).toBeVisible();

    await item.getByRole("button", { name: /^Cancel/ }).click();
    const dialog = page.getByRole("dialog", { name: new RegExp(`Cancel ${fullName(patient)}'s visit on`) });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel("Reason")).toBeFocused();
    await noSeriousViolations(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
    await page.screenshot({ path: testInfo.outputPath(`cancel-dialog-${name}.png`) });
    // Cancel: nothing changes.
    await dialog.getByRole("button", { name: "Cancel", exact: true }).click();
    await expect(dialog).toBeHidden();
    await expect(item).not.toContainText("cancelled");
    // A reason is required, then the visit is cancelled and the outcome announced.
    await item.getByRole("button", { name: /^Cancel/ }).click();
    await dialog.getByRole("button", { name: "Cancel visit" }).click();
    await expect(dialog.getByRole("alert")).toHaveText("Choose why the visit is cancelled.");
    await dialog.getByLabel("Reason").selectOption({ label: "The patient asked to cancel" });
    await dialog.getByRole("button", { name: "Cancel visit" }).click();
    await expect(page.getByRole("status").filter({ hasText: "cancelled." })).toBeVisible();
    await expect(item).toContainText("cancelled");
    await context.close();
  });
}

test("an overlapping visit is refused with a clear message; the admin can double-book on purpose", async ({
  browser,
}, testInfo) => {
  const patient = demoPanel("grey", "northside")[3];
  const context = await browser.newContext({ storageState: as.grey });
  const page = await context.newPage();
  await openChart(page, patient);
  const form = page.getByRole("form", { name: "Schedule an appointment" });
  await expect(form.getByLabel("Clinician", { exact: true })).toHaveValue(/.+/);
  await expect(form.getByLabel("Clinician", { exact: true }).locator("option").first()).toHaveText(
    /Dr\. Meredith Grey \(you\) · care team/,
  );
  await form.getByLabel("Visit type").selectOption({ label: "Procedure (60 min)" });
  await expect(form.getByLabel("Duration (minutes)")).toHaveValue("60");
  await form.getByLabel("Starts at").fill("2035-05-06T09:00");
  await form.getByLabel("Reason").fill("Overlap journey first");
  await form.getByRole("button", { name: "Schedule appointment" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Visit booked for" })).toBeVisible();
  await book(page, "2035-05-06T09:30", "Overlap journey second", 15);
  await expect(form.getByRole("alert")).toContainText("Dr. Meredith Grey already has a visit that overlaps 09:30");
  await expect(page.getByRole("list", { name: "Upcoming appointments" })).not.toContainText("Overlap journey second");
  await page.screenshot({ path: testInfo.outputPath("overlap-refused.png"), fullPage: true });
  await context.close();

  const admin = await browser.newContext({ storageState: as.northAdmin });
  const adminPage = await admin.newPage();
  await openChart(adminPage, patient);
  // Admins read no clinical notes: no note box, one line saying why.
  await expect(adminPage.getByLabel("New note")).toHaveCount(0);
  await expect(adminPage.getByTestId("no-note-reason")).toContainText("You are not on this patient's care team");
  await adminPage.getByLabel("Clinician", { exact: true }).selectOption({ label: "Dr. Meredith Grey · care team" });
  await book(adminPage, "2035-05-06T09:30", "Overlap journey admin", 15);
  await expect(adminPage.getByRole("form", { name: "Schedule an appointment" }).getByRole("alert")).toContainText(
    "or double-book on purpose",
  );
  await adminPage.getByLabel(/Double-book on purpose/).check();
  await adminPage.getByRole("button", { name: "Schedule appointment" }).click();
  await expect(adminPage.getByRole("list", { name: "Upcoming appointments" })).toContainText("double-booked");
  await admin.close();
});

test("archiving asks first, naming the patient; Cancel changes nothing", async ({ browser }) => {
  const context = await browser.newContext({ storageState: as.northAdmin });
  const page = await context.newPage();
  const patient = demoPatients.find((p) => p.org === "northside" && p.team.length === 0)!;
  await page.goto(`/admin/patients?q=${patient.mrn}`);
  const button = page.getByRole("button", { name: `Archive ${fullName(patient)}` });
  await button.click();
  const dialog = page.getByRole("dialog", { name: `Archive ${fullName(patient)}?` });
  await expect(dialog).toContainText("Nothing is deleted");
  // Namesakes cannot be confused: the dialog names the MRN and birth date too.
  await expect(dialog).toContainText(`MRN ${patient.mrn}, born ${formatDate(patient.birthDate)}`);
  await expect(dialog.getByRole("button", { name: "Archive patient" })).toHaveClass(/danger/);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(button).toBeFocused();
  await button.click();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("button", { name: `Archive ${fullName(patient)}` })).toBeVisible();
  await expect(page.getByRole("button", { name: `Restore ${fullName(patient)}` })).toHaveCount(0);
  await context.close();
});

test("a locum switching practice on a chart lands on the new practice's list; a 404 keeps the app shell and says why", async ({
  browser,
}, testInfo) => {
  for (const [name, viewport] of sizes) {
    // Its own sign-in: a switch moves the session in the database, and the shared one stays in Northside.
    const { context, page } = await clinicianSignIn(browser, "locum@careroster.test", { viewport });
    await openChart(page, demoPanel("locum", "northside")[0]);
    const chartUrl = page.url();
    // On a phone the practice switcher is in the header's menu.
    if (name === "phone") await page.getByRole("button", { name: "Menu", exact: true }).click();
    await page.getByLabel("Practice").selectOption({ label: "Lakeside Pediatrics" });
    await expect(page).toHaveURL(/\/patients$/);
    await page.waitForLoadState("load");
    await expect(page.getByLabel("Practice").locator("option:checked")).toHaveText("Lakeside Pediatrics");
    await expect(page.getByRole("table", { name: "Patients" })).toContainText(
      demoPanel("locum", "lakeside")[0].familyName,
    );
    const res = await page.goto(chartUrl);
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
    if (name === "phone") await page.getByRole("button", { name: "Menu", exact: true }).click();
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
    await expect(page.getByTestId("other-practice-hint")).toContainText(
      "This patient may belong to another practice you work at (Northside Family Clinic)",
    );
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
    await noSeriousViolations(page);
    await page.screenshot({ path: testInfo.outputPath(`locum-404-${name}.png`), fullPage: true });
    await context.close();
  }
});

test("the skip link moves focus to the content; the current page is marked in every navigation", async ({
  browser,
}) => {
  const context = await browser.newContext({ storageState: as.northAdmin });
  const page = await context.newPage();
  await page.goto("/admin/members");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" })).toHaveAttribute(
    "aria-current",
    "page",
  );
  await expect(page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: /^Members/ })).toHaveAttribute(
    "aria-current",
    "page",
  );
  await expect(
    page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: /^Overview/ }),
  ).not.toHaveAttribute("aria-current", "page");
  await context.close();
});

test("README screenshots: the clinician's Today, a chart and the admin overview (taken by the suite)", async ({
  browser,
}) => {
  const grey = await browser.newContext({ storageState: as.grey, viewport: { width: 1280, height: 800 } });
  const page = await grey.newPage();
  // Two visits later today (practice clock), when the day has room for them.
  const patients = demoPanel("grey", "northside");
  const soon = new Date(Math.ceil((Date.now() + 20 * 60_000) / 900_000) * 900_000);
  await page.goto("/today");
  const heading = page.getByRole("heading", { name: "Today" });
  await expect(heading).toBeVisible();
  for (const [i, p] of [patients[4], patients[5]].entries()) {
    const at = new Date(soon.getTime() + i * 45 * 60_000);
    if (at.getUTCDate() !== new Date().getUTCDate()) break;
    await openChart(page, p);
    await book(page, at.toISOString().slice(0, 16), i === 0 ? "Blood pressure check" : "Medication review", 30);
    await expect(page.getByRole("status").filter({ hasText: "Visit booked for" })).toBeVisible();
  }
  await page.goto("/today");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Today" })).toHaveAttribute(
    "aria-current",
    "page",
  );
  await noSeriousViolations(page);
  await page.screenshot({ path: "docs/screenshots/today.png" });
  await openChart(page, patients[0]);
  await page.screenshot({ path: "docs/screenshots/chart.png" });
  await grey.close();

  const admin = await browser.newContext({ storageState: as.northAdmin, viewport: { width: 1280, height: 800 } });
  const adminPage = await admin.newPage();
  await adminPage.goto("/admin");
  await expect(adminPage.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(adminPage.getByRole("list", { name: "Needs attention" })).toContainText("Patients on no care team");
  await adminPage.screenshot({ path: "docs/screenshots/admin-overview.png" });
  await admin.close();
});

test("the practice time zone: every time reads in it, with its abbreviation", async ({ browser }) => {
  const admin = await browser.newContext({ storageState: as.northAdmin });
  const page = await admin.newPage();
  await page.goto("/admin/settings");
  await page.getByLabel("Practice time zone").selectOption("America/New_York");
  await page.getByRole("button", { name: "Save time zone" }).click();
  await expect(page.getByRole("status")).toContainText(/Time zone saved: times now read like \d\d:\d\d E[SD]T\./);
  const grey = await browser.newContext({ storageState: as.grey });
  const greyPage = await grey.newPage();
  await openChart(greyPage, demoPanel("grey", "northside")[0]);
  await expect(greyPage.getByRole("list", { name: "Upcoming appointments" })).toContainText(/\d\d:\d\d E[SD]T/);
  await expect(
    greyPage.getByRole("form", { name: "Schedule an appointment" }).getByLabel(/Starts at \(E[SD]T\)/),
  ).toBeVisible();
  // The cover form reads its time in the practice's zone and says which.
  await greyPage.goto("/coverage");
  await expect(greyPage.getByLabel(/^Until \(E[SD]T, the practice's time\)/)).toBeVisible();
  await grey.close();
  // The admin pages with times of their own: the emergency-access history and the access report.
  await page.goto("/admin/break-glass");
  await expect(page.getByRole("table", { name: "Emergency access grants" })).toContainText(/\d\d:\d\d E[SD]T/);
  await expect(page.getByRole("table", { name: "Emergency access grants" })).not.toContainText("UTC");
  await page.goto("/admin/access-report");
  await expect(page.getByLabel(/^From \(day, E[SD]T\)/)).toBeVisible();
  await page.goto("/admin/settings");
  // Back to UTC for the journeys after this one.
  await page.getByLabel("Practice time zone").selectOption("UTC");
  await page.getByRole("button", { name: "Save time zone" }).click();
  await expect(page.getByRole("status")).toContainText("UTC");
  await admin.close();
});
