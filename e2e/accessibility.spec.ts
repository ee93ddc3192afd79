import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { as } from "./state";

async function expectNoSeriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

test("sign-in page has no serious or critical axe violations", { tag: "@clinician" }, async ({ page }, testInfo) => {
  await page.goto("/login");
  await expectNoSeriousViolations(page);
  await page.screenshot({ path: testInfo.outputPath("final.png"), fullPage: true });
});

test(
  "forgot-password, reset and invitation pages (valid or not) have no serious or critical axe violations",
  { tag: "@clinician" },
  async ({ page }, testInfo) => {
    for (const path of [
      "/forgot-password",
      `/reset-password/${"x".repeat(43)}`,
      `/invite/${"x".repeat(43)}`,
      "/invite/not-a-token",
    ]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expectNoSeriousViolations(page);
    }
    await page.goto("/forgot-password");
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect(page.locator("#field-email-error")).toHaveText("Enter a valid email address");
    await expectNoSeriousViolations(page);
    await page.screenshot({ path: testInfo.outputPath("final.png"), fullPage: true });
  },
);

test.describe("admin", () => {
  test.use({ storageState: as.northAdmin });
  test(
    "the members page with its invitation form has no serious or critical axe violations",
    { tag: "@admin" },
    async ({ page }) => {
      await page.goto("/admin/members");
      await page.getByRole("button", { name: "Send invitation" }).click();
      await expect(page.locator("#field-email-error")).toBeVisible();
      await expectNoSeriousViolations(page);
    },
  );

  test("the settings page (two-factor policy, SSO) has no serious or critical axe violations", async ({ page }) => {
    await page.goto("/admin/settings");
    await page.getByRole("button", { name: "Save single sign-on" }).click();
    await expect(page.locator("#field-issuer-error")).toBeVisible();
    await expectNoSeriousViolations(page);
  });
});

test.describe("signed in", () => {
  test.use({ storageState: as.grey });

  test(
    "patient list, chart, new-patient and account pages have no serious or critical axe violations",
    { tag: "@clinician" },
    async ({ page }, testInfo) => {
      await page.goto("/patients");
      await expect(page.getByRole("table", { name: "Patients" })).toBeVisible();
      await expectNoSeriousViolations(page);
      await page.getByRole("table", { name: "Patients" }).getByRole("link").first().click();
      await expect(page.getByRole("heading", { name: "Clinical notes" })).toBeVisible();
      await expectNoSeriousViolations(page);
      await page.goto("/patients/new");
      await expectNoSeriousViolations(page);
      await page.goto("/account");
      await expect(page.getByRole("list", { name: "Your sessions" })).toBeVisible();
      await page.getByLabel("New password").fill("grey12345678");
      await expect(page.getByTestId("password-strength")).toBeVisible();
      await expectNoSeriousViolations(page);
      await page.screenshot({ path: testInfo.outputPath("final.png"), fullPage: true });
    },
  );

  test("the list is usable from the keyboard with a visible focus", { tag: "@clinician" }, async ({ page }) => {
    await page.goto("/patients");
    await page.getByLabel("Search by name, MRN or birth date").focus();
    await page.keyboard.type("DEMO-N-0002");
    await expect(page.getByTestId("patient-count")).toHaveText("Showing 1 of 1 patient");
    await page.keyboard.press("Tab"); // sort select
    await page.keyboard.press("Tab"); // the patient link
    const focused = page.locator(":focus");
    await expect(focused).toHaveAttribute("href", /\/patients\//);
    const outline = await focused.evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).not.toBe("none");
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { name: "Demographics" })).toBeVisible();
  });
});
