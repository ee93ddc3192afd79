import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { noSeriousViolations } from "./axe";
import { as } from "./state";

// Roster import: an admin uploads a CSV with one bad row, reads the row's problem in the preview,
// imports the rest onto a clinician's care team and reads the result, at desktop and phone sizes.
// Screenshots go to SHOTS for a person to look at.

const SHOTS = process.env.E2E_SHOTS_DIR ?? "test-results/import";
const sizes = [
  ["desktop", { width: 1280, height: 800 }, "1962"],
  ["phone", { width: 390, height: 844 }, "1964"],
] as const;

async function noHorizontalScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
}

for (const [size, viewport, year] of sizes) {
  test(`an admin imports a roster from a CSV file (${size})`, { tag: ["@admin", "@import"] }, async ({ browser }) => {
    const context = await browser.newContext({ storageState: as.northAdmin, viewport });
    const page = await context.newPage();
    await page.goto("/admin/patients");
    await page.getByRole("link", { name: "Import patients" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Import patients" })).toBeVisible();

    // The template downloads with the header row.
    const [template] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "template's columns" }).click(),
    ]);
    expect(template.suggestedFilename()).toBe("patient-import-template.csv");

    const family = `Rosterly-${size}`;
    const csv =
      "given_name,family_name,birth_date,sex,mrn\n" +
      `Amara,${family},${year}-03-04,F,\n` +
      `Bruno,${family},${year}-13-01,M,\n` +
      `Celia,${family},4 May ${year},female,\n`;
    await page
      .getByLabel("Put the imported patients on the care team of")
      .selectOption({ label: "Dr. Derek Shepherd" });
    await page.getByLabel("Roster file (CSV or FHIR Bundle JSON)").setInputFiles({
      name: `roster-${size}.csv`,
      mimeType: "text/csv",
      buffer: Buffer.from(csv),
    });
    await expect(
      page.getByText(`roster-${size}.csv: 3 rows read as CSV, 2 rows ready to import, 1 row with a problem (skipped).`),
    ).toBeVisible();
    const preview = page.getByRole("table", { name: "Preview" });
    await expect(preview.getByRole("row").nth(2)).toContainText("Birth date: Enter a date such as 4 Apr 1979");
    await expect(preview.getByRole("row").nth(1)).toContainText("ready");
    await noSeriousViolations(page);
    await noHorizontalScroll(page);
    await page.screenshot({ path: `${SHOTS}/preview-${size}.png`, fullPage: true });

    await page.getByRole("button", { name: "Import 2 patients" }).click();
    const result = page.getByRole("region", { name: "3. Result" });
    await expect(result).toBeFocused();
    await expect(result.getByRole("status")).toHaveText("2 patients created, 1 row skipped.");
    await expect(page.getByLabel("Import finished")).toHaveJSProperty("value", 2);
    const created = result.getByRole("table", { name: "Created" });
    await expect(created.getByRole("row")).toHaveCount(3);
    await expect(created).toContainText(`Amara ${family}`);
    await expect(created).toContainText(`Celia ${family}`);
    await expect(result.getByRole("table", { name: "Skipped" })).toContainText(
      "Birth date: Enter a date such as 4 Apr 1979",
    );
    await noSeriousViolations(page);
    await noHorizontalScroll(page);
    await page.screenshot({ path: `${SHOTS}/result-${size}.png`, fullPage: true });

    // The created chart opens, on Dr Shepherd's care team.
    await created.getByRole("link", { name: `Amara ${family}` }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText(`Amara ${family}`);
    await context.close();
  });
}

for (const [size, viewport] of sizes) {
  test(
    `an admin downloads the practice's patients as FHIR ndjson (${size})`,
    { tag: ["@admin", "@import"] },
    async ({ browser }) => {
      const context = await browser.newContext({ storageState: as.northAdmin, viewport });
      const page = await context.newPage();
      await page.goto("/admin/patients");
      await page.getByRole("link", { name: "Export the practice's data" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Export the practice's data" })).toBeVisible();
      await noSeriousViolations(page);
      await noHorizontalScroll(page);
      await page.screenshot({ path: `${SHOTS}/export-${size}.png`, fullPage: true });

      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("link", { name: "Download Patient.ndjson" }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^careroster-\d{4}-\d\d-\d\d-Patient\.ndjson$/);
      const text = readFileSync(await download.path(), "utf8");
      const lines = text
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { resourceType: string; identifier: { value: string }[] });
      expect(lines.length).toBeGreaterThan(10);
      expect(lines.every((p) => p.resourceType === "Patient")).toBe(true);
      // Only Northside's MRNs (the demo's name their practice).
      const mrns = lines.map((p) => p.identifier[0].value);
      expect(mrns.some((m) => m.startsWith("DEMO-N-"))).toBe(true);
      expect(mrns.filter((m) => m.startsWith("DEMO-L-"))).toEqual([]);
      await context.close();
    },
  );
}

test(
  "an import cancelled between batches keeps the batches sent and lists the rows not sent",
  { tag: ["@admin", "@import"] },
  async ({ browser }) => {
    const context = await browser.newContext({ storageState: as.northAdmin, viewport: sizes[0][1] });
    const page = await context.newPage();
    await page.goto("/admin/patients/import");
    // 101 people, each born on a day of their own: two batches, of 100 and 1.
    const born = (i: number) => new Date(Date.UTC(1967, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    const csv =
      "given_name,family_name,birth_date\n" +
      Array.from({ length: 101 }, (_, i) => `Cancel${i},Zz-Cancel-${i},${born(i)}`).join("\n");
    await page
      .getByLabel("Put the imported patients on the care team of")
      .selectOption({ label: "Dr. Derek Shepherd" });
    await page.getByLabel("Roster file (CSV or FHIR Bundle JSON)").setInputFiles({
      name: "roster-cancel.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(csv),
    });
    await expect(page.getByText("101 rows ready to import")).toBeVisible();
    // The first batch takes long enough to cancel during it (the request itself is real).
    await page.route("**/api/trpc/admin.import.batch**", async (route) => {
      await new Promise((r) => setTimeout(r, 2_000));
      await route.continue();
    });
    await page.getByRole("button", { name: "Import 101 patients" }).click();
    await expect(page.getByText("Importing batch 1 of 2 (100 of 101 rows)")).toBeVisible();
    const cancel = page.getByRole("button", { name: "Cancel" });
    await cancel.focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("button", { name: "Cancelling after this batch…" })).toBeDisabled();
    const result = page.getByRole("region", { name: "3. Result" });
    await expect(result.getByRole("status")).toHaveText("100 patients created, 0 rows skipped.");
    await expect(result.getByText("Cancelled: row 102 was not sent.")).toBeVisible();
    await expect(result.getByRole("table", { name: "Created" }).getByRole("row")).toHaveCount(101);
    await context.close();
  },
);
