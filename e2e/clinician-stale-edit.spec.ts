import { expect, test } from "@playwright/test";
import { demoPanel, fullName } from "@/server/db/seed/demo-data";
import { as } from "./state";

test.use({ storageState: as.grey });

test(
  "an edit based on a stale version (two tabs) is refused and the newer data kept",
  { tag: "@clinician" },
  async ({ context }, testInfo) => {
    const patient = demoPanel("grey", "northside")[5];
    const first = await context.newPage();
    await first.goto("/patients");
    await first.getByLabel("Search by name, MRN or birth date").fill(patient.mrn);
    await first.getByRole("link", { name: `${patient.familyName}, ${patient.givenName}` }).click();
    await expect(first.getByRole("heading", { level: 1 })).toHaveText(fullName(patient));
    const second = await context.newPage();
    await second.goto(first.url());

    for (const page of [first, second]) await page.getByRole("button", { name: "Edit details" }).click();
    await first.getByLabel("Phone").fill("555-0177");
    await first.getByRole("button", { name: "Save changes" }).click();
    await expect(first.getByTestId("patient-phone")).toHaveText("555-0177");

    await second.getByLabel("Phone").fill("555-0188");
    await second.getByRole("button", { name: "Save changes" }).click();
    await expect(second.locator("section").getByRole("alert")).toContainText("changed by someone else");
    await second.reload();
    await expect(second.getByTestId("patient-phone")).toHaveText("555-0177");
    await second.screenshot({ path: testInfo.outputPath("final.png"), fullPage: true });
  },
);
