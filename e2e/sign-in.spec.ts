import { expect, test } from "@playwright/test";
import { PATIENT_PAGE_SIZE } from "@/lib/schemas/patients";
import { demoPanel, fullName } from "@/server/db/seed/demo-data";
import { fillSignIn } from "./totp";

test("grey signs in and sees exactly her patients", { tag: "@clinician" }, async ({ page }, testInfo) => {
  await page.goto("/patients");
  await expect(page).toHaveURL(/\/login/);
  await fillSignIn(page, "grey@northside.test");
  await expect(page.getByRole("heading", { name: "My patients" })).toBeVisible();
  const rows = page.getByRole("table", { name: "Patients" }).locator("tbody tr");
  const panel = demoPanel("grey", "northside");
  // The first page is server-rendered: up to 25 of her patients, and none of anyone else's.
  const first = Math.min(PATIENT_PAGE_SIZE, panel.length);
  await expect(page.getByTestId("patient-count")).toHaveText(`Showing ${first} of ${panel.length} patients`);
  await expect(rows).toHaveCount(first);
  const shown = (await rows.locator("td:first-child").allTextContents()).map((t) => t.split(", ").reverse().join(" "));
  const names = new Set(panel.map(fullName));
  expect(shown.filter((n) => !names.has(n))).toEqual([]);
  await page.screenshot({ path: testInfo.outputPath("final.png"), fullPage: true });
});

test("a wrong password gets a clear message", { tag: "@security" }, async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill("grey@northside.test");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("That email and password do not match an account.");
});
