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
    await adminPage.getByLabel("Review comment").fill("Confirmed with the front desk: genuine emergency.");
    await adminPage.getByRole("button", { name: "Mark reviewed" }).click();
    await expect(adminPage.getByText("No emergency access is waiting for review.")).toBeVisible();
    await adminPage.screenshot({ path: testInfo.outputPath("final.png"), fullPage: true });
    await admin.close();
  },
);
