import { expect, type Page } from "@playwright/test";
import { fullName } from "@/server/db/seed/demo-data";

/** From the patient list, by MRN, to the chart (its notes section rendered). */
export async function openChart(page: Page, patient: { mrn: string; givenName: string; familyName: string }) {
  await page.goto("/patients");
  await page.getByLabel("Search by name, MRN or birth date").fill(patient.mrn);
  // Click once the list shows the search's answer, not a row of the list it is replacing.
  await expect(page.getByTestId("patient-count")).toHaveText("Showing 1 of 1 patient");
  await page
    .getByRole("table", { name: "Patients" })
    .getByRole("link", { name: `${patient.familyName}, ${patient.givenName}` })
    .click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(fullName(patient));
  await expect(page.getByRole("heading", { name: "Clinical notes" })).toBeVisible();
}
