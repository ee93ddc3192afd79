import { expect, test, type Browser } from "@playwright/test";
import { demoPanel, demoPatients, fullName } from "@/server/db/seed/demo-data";
import { as } from "./state";
import { clinicianSignIn } from "./totp";

/** Finds a patient's id the way an attacker might: from the admin's own session (the URL is what matters). */
async function idsByMrn(browser: Browser, mrns: string[]) {
  const context = await browser.newContext({ storageState: as.northAdmin });
  const page = await context.newPage();
  const out: Record<string, string> = {};
  for (const mrn of mrns) {
    await page.goto("/patients");
    await page.getByLabel("Search by name, MRN or birth date").fill(mrn);
    await expect(page.getByTestId("patient-count")).toHaveText("Showing 1 of 1 patient");
    out[mrn] = (await page.getByRole("table", { name: "Patients" }).getByRole("link").getAttribute("href"))!
      .split("/")
      .pop()!;
  }
  await context.close();
  return out;
}

test(
  "locum switches from Northside to Lakeside and sees only Lakeside's patients; grey gets 'not found' for one of them",
  { tag: ["@clinician", "@security"] },
  async ({ browser }, testInfo) => {
    // Its own sign-in: a switch moves the session in the database, and the shared one stays in Northside.
    const { context: locum, page } = await clinicianSignIn(browser, "locum@careroster.test");
    await page.goto("/patients");
    const rows = page.getByRole("table", { name: "Patients" }).locator("tbody tr td:first-child");
    const names = async () => (await rows.allTextContents()).map((t) => t.split(", ").reverse().join(" ")).sort();
    await expect(rows).toHaveCount(demoPanel("locum", "northside").length);
    expect(await names()).toEqual(demoPanel("locum", "northside").map(fullName).sort());
    // The switch loads the patient list of the new practice (a full page load): read the rows
    // again until they are Lakeside's, across the navigation.
    await page.getByLabel("Practice").selectOption({ label: "Lakeside Pediatrics" });
    await expect.poll(() => names().catch(() => [])).toEqual(demoPanel("locum", "lakeside").map(fullName).sort());
    await page.reload(); // the switch lives in the session, not just the page
    await expect(page.getByLabel("Practice").locator("option:checked")).toHaveText("Lakeside Pediatrics");
    await expect.poll(names).toEqual(demoPanel("locum", "lakeside").map(fullName).sort());
    await page.screenshot({ path: testInfo.outputPath("final.png"), fullPage: true });
    const lakeId = (await page.getByRole("table", { name: "Patients" }).getByRole("link").first().getAttribute("href"))!
      .split("/")
      .pop()!;
    await locum.close();

    const unassigned = demoPatients.find((p) => p.org === "northside" && p.team.length === 0)!;
    const ids = await idsByMrn(browser, [unassigned.mrn]);
    const grey = await browser.newContext({ storageState: as.grey });
    const greyPage = await grey.newPage();
    for (const id of [lakeId, ids[unassigned.mrn], "00000000-0000-4000-8000-000000000000"]) {
      const res = await greyPage.goto(`/patients/${id}`);
      expect(res?.status()).toBe(404);
      await expect(greyPage.getByRole("heading", { name: "Not found" })).toBeVisible();
    }
    await greyPage.screenshot({ path: testInfo.outputPath("grey-not-found.png"), fullPage: true });
    await grey.close();
  },
);

test(
  "shepherd sees the shared patients but not grey's own; grey's note is readable, not editable",
  { tag: "@clinician" },
  async ({ browser }, testInfo) => {
    const context = await browser.newContext({ storageState: as.shepherd });
    const page = await context.newPage();
    await page.goto("/patients");
    const panel = demoPanel("shepherd", "northside");
    await expect(page.getByTestId("patient-count")).toHaveText(new RegExp(`of ${panel.length} patients`));
    const table = page.getByRole("table", { name: "Patients" });
    await expect(table.locator("tbody tr")).toHaveCount(panel.length);
    const shown = (await table.locator("tbody tr td:first-child").allTextContents()).map((t) =>
      t.split(", ").reverse().join(" "),
    );
    expect(shown.sort()).toEqual(panel.map(fullName).sort());
    const greyOnly = demoPanel("grey", "northside").filter((p) => !p.team.includes("shepherd"));
    expect(shown.filter((n) => greyOnly.some((p) => fullName(p) === n))).toEqual([]);
    const shared = panel.find((p) => p.team.includes("grey"))!;
    await table.getByRole("link", { name: `${shared.familyName}, ${shared.givenName}` }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(fullName(shared));
    const notes = page.getByRole("list", { name: "Notes" });
    const greysNote = notes.getByRole("listitem").filter({ hasText: "Dr. Meredith Grey" }).first();
    await expect(greysNote).toContainText("Demo note");
    await expect(greysNote.getByRole("button", { name: /Edit/ })).toHaveCount(0);
    await page.screenshot({ path: testInfo.outputPath("final.png"), fullPage: true });
    await context.close();
  },
);
