import { readFile } from "node:fs/promises";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { PATIENT_PAGE_SIZE } from "@/lib/schemas/patients";
import { demoPanel, demoPatients, fullName } from "@/server/db/seed/demo-data";
import { as } from "./state";
import { enterCode } from "./totp";

const unassigned = demoPatients.find((p) => p.org === "northside" && p.team.length === 0)!;

async function open(browser: Browser, state: string, path: string) {
  const context = await browser.newContext({ storageState: state });
  const page = await context.newPage();
  await page.goto(path);
  return { context, page };
}

test(
  "admin assigns an unassigned patient to grey, who sees it after reload; unassigning removes it",
  { tag: "@admin" },
  async ({ browser }, testInfo) => {
    const admin = await open(browser, as.northAdmin, "/admin/care-team?unassigned=1");
    const grey = await open(browser, as.grey, "/patients");
    const table = admin.page.getByRole("table", { name: "Care teams" });
    await expect(table).toContainText(`${unassigned.familyName}, ${unassigned.givenName}`);
    await admin.page.getByLabel("Clinician").selectOption({ label: "Dr. Meredith Grey" });
    await admin.page.getByLabel(`Select ${fullName(unassigned)}`).check();
    await admin.page.getByRole("button", { name: "Assign selected (1)" }).click();
    await expect(admin.page.getByRole("status")).toContainText("Assigned 1 patient.");

    await grey.page.reload();
    await grey.page.getByLabel("Search by name, MRN or birth date").fill(unassigned.mrn);
    await expect(grey.page.getByRole("table", { name: "Patients" })).toContainText(
      `${unassigned.familyName}, ${unassigned.givenName}`,
    );

    await admin.page.goto(`/admin/care-team?q=${unassigned.mrn}`);
    // Asks first, naming both people; Cancel (and Escape) change nothing and focus returns to the button.
    const unassignButton = admin.page.getByRole("button", {
      name: `Unassign Dr. Meredith Grey from ${fullName(unassigned)}`,
    });
    await unassignButton.click();
    const confirm = admin.page.getByRole("dialog", {
      name: `Remove Dr. Meredith Grey from ${fullName(unassigned)}'s care team?`,
    });
    await expect(confirm).toBeVisible();
    await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused();
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect(confirm).toBeHidden();
    await expect(unassignButton).toBeFocused();
    await expect(admin.page.getByRole("table", { name: "Care teams" })).toContainText("Dr. Meredith Grey");
    await unassignButton.click();
    await admin.page.keyboard.press("Escape");
    await expect(confirm).toBeHidden();
    await expect(admin.page.getByRole("table", { name: "Care teams" })).toContainText("Dr. Meredith Grey");
    await unassignButton.click();
    await confirm.getByRole("button", { name: "Remove from care team" }).click();
    await expect(admin.page.getByRole("status")).toContainText(
      `Dr. Meredith Grey removed from ${fullName(unassigned)}'s care team.`,
    );
    await expect(admin.page.getByRole("table", { name: "Care teams" })).toContainText("unassigned");
    // The list keeps its search in the URL: the unfiltered list is /patients itself.
    await grey.page.goto("/patients");
    const panel = demoPanel("grey", "northside").length;
    await expect(grey.page.getByTestId("patient-count")).toHaveText(
      `Showing ${Math.min(PATIENT_PAGE_SIZE, panel)} of ${panel} patients`,
    );
    await grey.page.getByLabel("Search by name, MRN or birth date").fill(unassigned.mrn);
    await expect(grey.page.getByText(`No patients match “${unassigned.mrn}”.`)).toBeVisible();
    await admin.page.screenshot({ path: testInfo.outputPath("final.png"), fullPage: true });
    await admin.context.close();
    await grey.context.close();
  },
);

async function signInForm(page: Page, email: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("demo-password");
  await page.getByRole("button", { name: "Sign in" }).click();
}

test(
  "admin suspends shepherd: shepherd's session ends and signing in says why; reactivated, shepherd signs in again",
  { tag: ["@admin", "@security"] },
  async ({ browser }, testInfo) => {
    const shepherd = await open(browser, as.shepherd, "/patients");
    await expect(shepherd.page.getByRole("table", { name: "Patients" })).toBeVisible();
    const admin = await open(browser, as.northAdmin, "/admin/members");
    await admin.page.getByRole("button", { name: "Suspend Dr. Derek Shepherd" }).click();
    const suspend = admin.page.getByRole("dialog", { name: "Suspend Dr. Derek Shepherd?" });
    await expect(suspend).toContainText("every session they have ends now");
    await suspend.getByRole("button", { name: "Cancel" }).click();
    await expect(admin.page.getByRole("row", { name: /Dr. Derek Shepherd/ })).toContainText("active");
    await admin.page.getByRole("button", { name: "Suspend Dr. Derek Shepherd" }).click();
    await suspend.getByRole("button", { name: "Suspend member" }).click();
    await expect(admin.page.getByRole("status").filter({ hasText: "Dr. Derek Shepherd suspended." })).toBeVisible();
    await expect(admin.page.getByRole("row", { name: /Dr. Derek Shepherd/ })).toContainText("suspended");

    // The suspension ended shepherd's session: the next navigation asks for sign-in.
    await shepherd.page.reload();
    await expect(shepherd.page).toHaveURL(/\/login/);
    await signInForm(shepherd.page, "shepherd@northside.test");
    await expect(shepherd.page.locator("form").getByRole("alert")).toContainText(
      "Your membership in this practice is suspended",
    );
    await shepherd.page.screenshot({ path: testInfo.outputPath("final.png"), fullPage: true });

    await admin.page.getByRole("button", { name: "Reactivate Dr. Derek Shepherd" }).click();
    await admin.page
      .getByRole("dialog", { name: "Reactivate Dr. Derek Shepherd?" })
      .getByRole("button", { name: "Reactivate" })
      .click();
    await expect(admin.page.getByRole("row", { name: /Dr. Derek Shepherd/ })).toContainText("active");
    await signInForm(shepherd.page, "shepherd@northside.test");
    await enterCode(shepherd.page, "shepherd@northside.test");
    // Signed in from /login itself: a clinician lands on Today.
    await expect(shepherd.page.getByRole("heading", { name: "Today", level: 1 })).toBeVisible();
    // The journeys after this one use shepherd's saved state: save the new session.
    await shepherd.context.storageState({ path: as.shepherd });
    await admin.context.close();
    await shepherd.context.close();
  },
);

test(
  "the admin pages through the practice's patients 25 at a time; Load more cannot be pressed twice",
  { tag: "@admin" },
  async ({ browser }) => {
    const { context, page } = await open(browser, as.northAdmin, "/patients");
    const count = page.getByTestId("patient-count");
    await expect(count).toHaveText(new RegExp(`^Showing ${PATIENT_PAGE_SIZE} of \\d+ patients$`));
    const total = Number((await count.textContent())?.match(/of (\d+)/)?.[1]);
    expect(total).toBeGreaterThan(PATIENT_PAGE_SIZE);
    const rows = page.getByRole("table", { name: "Patients" }).locator("tbody tr");
    await expect(rows).toHaveCount(PATIENT_PAGE_SIZE);
    // A slow next page: the button says so and is disabled until the rows arrive.
    await page.route("**/api/trpc/patients.list**", async (route) => {
      await new Promise((r) => setTimeout(r, 1_500));
      await route.continue();
    });
    await page.getByRole("button", { name: "Load more" }).click();
    await expect(page.getByRole("button", { name: "Loading…" })).toBeDisabled();
    const shown = Math.min(total, 2 * PATIENT_PAGE_SIZE);
    await expect(count).toHaveText(`Showing ${shown} of ${total} patients`);
    await expect(rows).toHaveCount(shown);
    await context.close();
  },
);

test("grey browsing to /admin gets the 403 page", { tag: "@security" }, async ({ browser }, testInfo) => {
  const { context, page } = await open(browser, as.grey, "/patients");
  const res = await page.goto("/admin/members");
  expect(res?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "403 — practice admins only" })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("final.png"), fullPage: true });
  await context.close();
});

test(
  "the audit page shows grey's chart views and the CSV export has those rows",
  { tag: "@admin" },
  async ({ browser }, testInfo) => {
    const patient = demoPanel("grey", "northside")[7];
    const grey = await open(browser, as.grey, "/patients");
    await grey.page.getByLabel("Search by name, MRN or birth date").fill(patient.mrn);
    await grey.page.getByRole("link", { name: `${patient.familyName}, ${patient.givenName}` }).click();
    await expect(grey.page.getByRole("heading", { level: 1 })).toHaveText(fullName(patient));
    const patientId = grey.page.url().split("/").pop()!;
    await grey.context.close();

    const admin = await open(browser, as.northAdmin, "/admin/audit");
    await admin.page.getByLabel("Actor").selectOption({ label: "Dr. Meredith Grey" });
    await admin.page.getByLabel("Action").selectOption("patient.view");
    // A patient picker (name or MRN), not a UUID box.
    await admin.page.getByLabel("Patient (name or MRN)").fill(patient.mrn);
    await admin.page
      .getByRole("list", { name: "Matching patients" })
      .getByRole("button", { name: new RegExp(fullName(patient)) })
      .click();
    await expect(admin.page.getByTestId("picked-patient")).toHaveText(`${fullName(patient)} (${patient.mrn})`);
    await admin.page.getByRole("button", { name: "Filter" }).click();
    await expect(admin.page).toHaveURL(new RegExp(`patientId=${patientId}`));
    const rows = admin.page.getByRole("table", { name: "Audit events" }).locator("tbody tr");
    await expect(rows.first()).toContainText("Dr. Meredith Grey");
    await expect(rows.first()).toContainText("Opened the chart");
    await expect(rows.first()).toContainText(`${fullName(patient)} (${patient.mrn})`);
    await expect(admin.page.getByTestId("picked-patient")).toHaveText(`${fullName(patient)} (${patient.mrn})`);
    const shown = await rows.count();

    const [download] = await Promise.all([
      admin.page.waitForEvent("download"),
      admin.page.getByRole("link", { name: "Export CSV" }).click(),
    ]);
    const csv = await readFile((await download.path())!, "utf8");
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe(
      '"at","actorId","actorName","action","actionLabel","entity","entityId","patientId","patientName","patientMrn","requestId","detail","about","details","emergencyReason"',
    );
    expect(lines).toHaveLength(shown + 1);
    expect(
      lines
        .slice(1)
        .every(
          (l) =>
            l.includes("patient.view") &&
            l.includes(patientId) &&
            l.includes("Dr. Meredith Grey") &&
            l.includes(patient.mrn) &&
            l.includes("Opened the chart"),
        ),
    ).toBe(true);
    // A range that ends before it starts is refused with a clear message, not an empty result.
    await admin.page.goto("/admin/audit?from=2026-05-02&to=2026-05-01");
    await expect(admin.page.getByRole("form", { name: "Filter audit events" }).locator("#field-to-error")).toHaveText(
      "The end date is before the start date: choose an end date on or after the start date.",
    );
    await expect(admin.page.locator("figure.chart-box svg").first()).toBeVisible();
    await admin.page.screenshot({ path: testInfo.outputPath("final.png"), fullPage: true });
    await admin.context.close();
  },
);

test(
  "the security posture page: the checklist first, raw details folded, readable on desktop and phone",
  { tag: ["@admin", "@security"] },
  async ({ browser }, testInfo) => {
    const { context, page } = await open(browser, as.northAdmin, "/admin/security");
    const items = page.getByRole("region", { name: "Checklist" }).locator(".checklist > li");
    await expect(items).toHaveCount(8);
    await expect(items.first()).toContainText("Passes: Every table enforces row-level security, for its owner too.");
    const functions = page.getByRole("list", { name: "Functions" });
    await expect(functions).toBeHidden();
    await page.locator("summary", { hasText: "Functions (" }).click();
    await expect(functions).toContainText("app_org_id()");
    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
    for (const [name, size] of [
      ["desktop", { width: 1280, height: 800 }],
      ["phone", { width: 390, height: 844 }],
    ] as const) {
      await page.setViewportSize(size);
      // Wide tables scroll inside their fold; the page itself never scrolls sideways.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: testInfo.outputPath(`${name}.png`) });
      await page
        .locator("details.fold", { hasText: "Functions (" })
        .screenshot({ path: testInfo.outputPath(`${name}-functions.png`) });
    }
    await context.close();
  },
);
