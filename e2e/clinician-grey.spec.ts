import { expect, test } from "@playwright/test";
import { PATIENT_PAGE_SIZE } from "@/lib/schemas/patients";
import { demoPanel, fullName } from "@/server/db/seed/demo-data";
import { as } from "./state";

test.use({ storageState: as.grey });

const panel = demoPanel("grey", "northside");
const rowNames = async (page: import("@playwright/test").Page) =>
  (await page.getByRole("table", { name: "Patients" }).locator("tbody tr td:first-child").allTextContents()).map((t) =>
    t.split(", ").reverse().join(" "),
  );

test(
  "grey works through her day: list, search, chart, phone, appointment, note",
  { tag: "@clinician" },
  async ({ page }, testInfo) => {
    // Her whole panel fits on the first page (25 rows); paging is in the admin journeys.
    expect(panel.length).toBeLessThanOrEqual(PATIENT_PAGE_SIZE);
    await page.goto("/patients");
    await expect(page.getByTestId("patient-count")).toHaveText(`Showing ${panel.length} of ${panel.length} patients`);
    expect((await rowNames(page)).sort()).toEqual(panel.map(fullName).sort());
    await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);

    const target = panel[3];
    await page.getByLabel("Search by name, MRN or birth date").fill(target.mrn);
    await expect(page.getByTestId("patient-count")).toHaveText("Showing 1 of 1 patient");
    await page.getByRole("link", { name: `${target.familyName}, ${target.givenName}` }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(fullName(target));

    await page.getByRole("button", { name: "Edit details" }).click();
    await page.getByLabel("Phone").fill("555-0142");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByTestId("patient-phone")).toHaveText("555-0142");

    const form = page.getByRole("form", { name: "Schedule an appointment" });
    await form.getByLabel("Starts at").fill("2031-03-04T09:30");
    await form.getByLabel("Reason").fill("Blood pressure review");
    await form.getByRole("button", { name: "Schedule appointment" }).click();
    await expect(page.getByRole("list", { name: "Upcoming appointments" })).toContainText("Blood pressure review");

    await page.getByLabel("New note").fill("Reviewed home readings; continue current plan.");
    await page.getByRole("button", { name: "Add note" }).click();
    await expect(page.getByRole("list", { name: "Notes" })).toContainText(
      "Reviewed home readings; continue current plan.",
    );

    await page.reload();
    await expect(page.getByTestId("patient-phone")).toHaveText("555-0142");
    await page.screenshot({ path: testInfo.outputPath("final.png"), fullPage: true });
  },
);

test("a form error is shown on its field and nothing is saved", { tag: "@clinician" }, async ({ page }, testInfo) => {
  await page.goto("/patients/new");
  await page.getByLabel("MRN").fill("bad mrn!");
  await page.getByRole("button", { name: "Create patient" }).click();
  await expect(page.getByText("Letters, digits and dashes only")).toBeVisible();
  await expect(page.getByText("Given name is required")).toBeVisible();
  await expect(page.getByLabel("MRN")).toHaveAttribute("aria-invalid", "true");
  await page.screenshot({ path: testInfo.outputPath("final.png"), fullPage: true });
});
