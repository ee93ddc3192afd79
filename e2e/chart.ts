import { expect, type Page } from "@playwright/test";
import { fullName } from "@/server/db/seed/demo-data";

/** From the patient list, by MRN, to the chart (its notes section rendered). */
export async function openChart(page: Page, patient: { mrn: string; givenName: string; familyName: string }) {
  await page.goto("/patients");
  await page.getByLabel("Search by name, MRN or birth date").fill(patient.mrn);
  await page
    .getByRole("table", { name: "Patients" })
    .getByRole("link", { name: `${patient.familyName}, ${patient.givenName}` })
    .click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(fullName(patient));
  await expect(page.getByRole("heading", { name: "Clinical notes" })).toBeVisible();
}
