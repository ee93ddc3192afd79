import { expect, test } from "@playwright/test";
import { demoPatients, fullName } from "@/server/db/seed/demo-data";
import { as } from "./state";

const target = demoPatients.filter((p) => p.org === "northside" && p.team.length === 0)[2];

test(
  "grey requests emergency access from the directory, sees the banner; the admin reviews it",
  { tag: ["@clinician", "@admin", "@security"] },
  async ({ browser }, testInfo) => {
    const grey = await browser.newContext({ storageState: as.grey });
    const page = await grey.newPage();
    await page.goto("/directory");
    await page.getByLabel("Name or MRN").fill(target.familyName);
    const results = page.getByRole("list", { name: "Directory results" });
    await expect(results).toContainText(`${fullName(target)} · born ${target.birthDate} · MRN ${target.mrn}`);
    await expect(results).not.toContainText("555-"); // no phone or email in the directory
    await results.getByRole("button", { name: `Emergency access to ${fullName(target)}` }).click();
    await page.getByLabel("Reason for emergency access").fill("short");
    await page.getByRole("button", { name: "Request emergency access" }).click();
    await expect(page.getByText("Explain the emergency in at least 10 characters")).toBeVisible();
    await page.getByLabel("Reason for emergency access").fill("Patient collapsed at reception; need allergy list");
    await page.getByRole("button", { name: "Request emergency access" }).click();
    await expect(page.getByRole("status")).toContainText(`Emergency access to ${fullName(target)} granted until`);
    await page.getByRole("link", { name: "Open the chart" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(fullName(target));
    await expect(page.getByRole("status").filter({ hasText: "Emergency access (break-glass)" })).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath("chart-with-banner.png"), fullPage: true });
    await grey.close();

    const admin = await browser.newContext({ storageState: as.northAdmin });
    const adminPage = await admin.newPage();
    await adminPage.goto("/admin/break-glass");
    const queue = adminPage.getByRole("list", { name: "Grants awaiting review" });
    await expect(queue).toContainText(`Dr. Meredith Grey opened ${fullName(target)}`);
    await expect(queue).toContainText("Patient collapsed at reception");
    // Other journeys leave grants of their own in the queue: review grey's.
    const review = adminPage.getByRole("form", { name: /^Review Dr\. Meredith Grey/ });
    await review.getByLabel("Review comment").fill("Confirmed with the front desk: genuine emergency.");
    await review.getByRole("button", { name: "Mark reviewed" }).click();
    await expect(review).toHaveCount(0);
    await adminPage.screenshot({ path: testInfo.outputPath("final.png"), fullPage: true });
    await admin.close();
  },
);

const revokeTarget = demoPatients.filter((p) => p.org === "northside" && p.team.length === 0)[1];
const reviewedTarget = demoPatients.find((p) => p.mrn === "DEMO-N-0002")!;

test(
  "the admin's grant history shows a reviewed grant; revoking asks first, Cancel changes nothing, confirming ends the access",
  { tag: ["@admin", "@security"] },
  async ({ browser }, testInfo) => {
    // grey opens a chart by emergency access.
    const grey = await browser.newContext({ storageState: as.grey });
    const greyPage = await grey.newPage();
    await greyPage.goto("/directory");
    await greyPage.getByLabel("Name or MRN").fill(revokeTarget.mrn);
    await greyPage
      .getByRole("list", { name: "Directory results" })
      .getByRole("button", { name: `Emergency access to ${fullName(revokeTarget)}` })
      .click();
    await greyPage
      .getByLabel("Reason for emergency access")
      .fill("Unconscious patient brought in; need medication list");
    await greyPage.getByRole("button", { name: "Request emergency access" }).click();
    await greyPage.getByRole("link", { name: "Open the chart" }).click();
    await expect(greyPage.getByRole("heading", { level: 1 })).toHaveText(fullName(revokeTarget));
    const chartUrl = greyPage.url();

    const admin = await browser.newContext({ storageState: as.northAdmin, viewport: { width: 1280, height: 800 } });
    const page = await admin.newPage();
    await page.goto("/admin/break-glass");
    const history = page.getByRole("table", { name: "Emergency access grants" });
    // The seeded, reviewed grant stays in the history, with its reviewer and MRN.
    const reviewed = history.getByRole("row").filter({ hasText: `MRN ${reviewedTarget.mrn}` });
    await expect(reviewed).toContainText("Dr. Derek Shepherd");
    await expect(reviewed).toContainText("Reviewed by Nora Admin");
    // Practice time, as lib/time.ts writes it ("17 Nov 2026, 17:42 UTC").
    await expect(reviewed).toContainText(/\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} [A-Z]/);

    const row = history.getByRole("row").filter({ hasText: `MRN ${revokeTarget.mrn}` });
    await expect(row).toContainText("Active");
    await page.screenshot({ path: testInfo.outputPath("break-glass-desktop.png"), fullPage: true });
    const revoke = row.getByRole("button", { name: `Revoke access of Dr. Meredith Grey to ${fullName(revokeTarget)}` });

    // Asks first, naming the clinician, the patient and the consequence; Cancel changes nothing.
    await revoke.click();
    const dialog = page.getByRole("dialog", { name: "Revoke emergency access?" });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText(
      `Dr. Meredith Grey loses access to the chart of ${fullName(revokeTarget)} (MRN ${revokeTarget.mrn}) now.`,
    );
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    await page.reload();
    await expect(row).toContainText("Active");
    await greyPage.reload();
    await expect(greyPage.getByRole("heading", { level: 1 })).toHaveText(fullName(revokeTarget));

    // Confirmed: announced, recorded in the row, still awaiting review, and grey's chart is gone.
    await revoke.click();
    await dialog.getByRole("button", { name: "Revoke access" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Emergency access revoked" })).toContainText(
      `Dr. Meredith Grey can no longer open the chart of ${fullName(revokeTarget)}.`,
    );
    await expect(row).toContainText("Revoked");
    await expect(row).toContainText("by Nora Admin");
    await expect(row).toContainText("Awaiting review");
    await expect(row.getByRole("button", { name: /^Revoke/ })).toHaveCount(0);
    await expect(
      page.getByRole("list", { name: "Grants awaiting review" }).getByText(fullName(revokeTarget)),
    ).toBeVisible();
    await greyPage.goto(chartUrl);
    await expect(greyPage.getByRole("heading", { name: "Not found" })).toBeVisible();

    await page.screenshot({ path: testInfo.outputPath("break-glass-revoked.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: testInfo.outputPath("break-glass-phone.png"), fullPage: true });
    await grey.close();
    await admin.close();
  },
);

const endTarget = demoPatients.filter((p) => p.org === "northside" && p.team.length === 0)[0];

test(
  "a clinician ends their own emergency access early from the chart; it asks first",
  { tag: ["@clinician", "@security"] },
  async ({ browser }) => {
    const grey = await browser.newContext({ storageState: as.grey });
    const page = await grey.newPage();
    await page.goto("/directory");
    await page.getByLabel("Name or MRN").fill(endTarget.mrn);
    await page
      .getByRole("list", { name: "Directory results" })
      .getByRole("button", { name: `Emergency access to ${fullName(endTarget)}` })
      .click();
    await page.getByLabel("Reason for emergency access").fill("Fall in the car park; checking anticoagulants");
    await page.getByRole("button", { name: "Request emergency access" }).click();
    await page.getByRole("link", { name: "Open the chart" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(fullName(endTarget));
    const chartUrl = page.url();
    await page.getByRole("button", { name: "End access" }).click();
    const dialog = page.getByRole("dialog", { name: "End emergency access?" });
    await expect(dialog).toContainText(`You lose access to the chart of ${fullName(endTarget)} now.`);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(fullName(endTarget));
    await page.getByRole("button", { name: "End access" }).click();
    await dialog.getByRole("button", { name: "End access" }).click();
    await expect(page).toHaveURL(/\/patients$/);
    await page.goto(chartUrl);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
    await grey.close();
  },
);
