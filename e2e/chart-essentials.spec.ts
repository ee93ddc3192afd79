import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { demoPatients } from "@/server/db/seed/demo-data";
import { openChart } from "./chart";
import { as } from "./state";

// Journeys: the chart's clinical essentials — the allergy banner first, problems, medications and
// vitals with their trend — read and recorded by the care team at a desktop's and a phone's width;
// the practice admin off the care team reads none of it.

const phone = { width: 390, height: 844 };
const desktop = { width: 1280, height: 800 };
const byMrn = (mrn: string) => demoPatients.find((p) => p.mrn === mrn)!;

/** No horizontal page scroll, a full-page screenshot, and no serious axe violation, at both widths. */
async function atBothWidths(page: Page, name: string, outputPath: (n: string) => string) {
  for (const [size, viewport] of [
    ["desktop", desktop],
    ["phone", phone],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(100);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${name} at ${viewport.width} px is ${width} px wide`).toBeLessThanOrEqual(viewport.width);
    await page.screenshot({ path: outputPath(`${name}-${size}.png`), fullPage: true });
    const { violations } = await new AxeBuilder({ page }).analyze();
    const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious.map((v) => `${size}: ${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  }
  await page.setViewportSize(desktop);
}

test(
  "grey reads a chart's essentials first: allergy banner, problems, medications, vitals trend",
  { tag: "@clinician" },
  async ({ browser }, testInfo) => {
    const context = await browser.newContext({ storageState: as.grey, viewport: desktop });
    const page = await context.newPage();
    await openChart(page, byMrn("DEMO-N-0001"));
    const banner = page.getByTestId("allergy-banner");
    await expect(banner).toContainText("Allergies:");
    await expect(banner).toContainText("Penicillin (demo)");
    await expect(banner).toContainText("high criticality");
    // The banner comes before the problem list, which comes before the notes.
    const top = async (name: string) => (await page.getByRole("heading", { name, exact: true }).boundingBox())!.y;
    expect((await banner.boundingBox())!.y).toBeLessThan(await top("Problems"));
    expect(await top("Problems")).toBeLessThan(await top("Clinical notes"));
    await expect(page.getByRole("region", { name: "Problems" })).toContainText("Essential hypertension (demo)");
    await expect(page.getByRole("region", { name: "Current medications" })).toContainText("Amlodipine (demo) 5 mg");
    const vitals = page.getByRole("region", { name: "Vital signs" });
    await expect(vitals).toContainText("128/82 mmHg");
    await expect(vitals.getByRole("figure")).toHaveAttribute("aria-label", /Blood pressure over time: .*162\/98 mmHg/);
    await vitals.getByLabel("Trend").selectOption("body_weight");
    await expect(vitals.getByRole("figure")).toHaveAttribute("aria-label", /Weight over time: .*81.4 kg/);
    await expect(vitals.locator(".recharts-line")).toHaveCount(1);
    await atBothWidths(page, "chart-essentials-ada", (n) => testInfo.outputPath(n));

    // The second patient stated "no known allergies"; the third has nothing recorded: told apart.
    await openChart(page, byMrn("DEMO-N-0002"));
    await expect(page.getByTestId("allergy-banner")).toContainText("No known allergies");
    await openChart(page, byMrn("DEMO-N-0003"));
    await expect(page.getByTestId("allergy-banner")).toContainText("Allergies not recorded");
    await context.close();
  },
);

test(
  "grey records essentials, is told about bad input, stops a medication and corrects an entry",
  { tag: "@clinician" },
  async ({ browser }, testInfo) => {
    const context = await browser.newContext({ storageState: as.grey, viewport: desktop });
    const page = await context.newPage();
    await openChart(page, byMrn("DEMO-N-0011"));
    const banner = page.getByTestId("allergy-banner");
    await expect(banner).toContainText("Allergies not recorded");

    // "No known allergies" asks first, then is recorded with who and when.
    const allergiesCard = page.getByRole("region", { name: "Allergies", exact: true });
    await allergiesCard.getByRole("button", { name: "Record no known allergies" }).click();
    const nkaDialog = page.getByRole("dialog", { name: "Record “no known allergies”?" });
    await nkaDialog.getByRole("button", { name: "Record no known allergies" }).click();
    await expect(banner).toContainText("No known allergies");
    await expect(banner).toContainText(/recorded by Dr\.? .*Grey/);

    // A problem: an empty name is refused in the form, with nothing sent.
    const problems = page.getByRole("region", { name: "Problems" });
    await problems.locator("summary", { hasText: "Record a problem" }).click();
    await problems.getByRole("button", { name: "Record problem" }).click();
    await expect(problems.getByText("Name the problem")).toBeVisible();
    await problems.getByLabel("Problem", { exact: true }).fill("Journey: chronic knee pain");
    await problems.getByLabel("Code system (optional)").selectOption("icd-10");
    await problems.getByLabel("Code", { exact: true }).fill("M25.56");
    await problems.getByRole("button", { name: "Record problem" }).click();
    await expect(problems.locator(".entries")).toContainText("Journey: chronic knee pain");
    await expect(problems.locator(".entries")).toContainText("ICD-10 M25.56");

    // Vitals: an implausible value is refused with its range; a plausible set is recorded.
    const vitals = page.getByRole("region", { name: "Vital signs" });
    await vitals.locator("summary", { hasText: "Record vital signs" }).click();
    await vitals.getByLabel("Systolic (mmHg)").fill("300");
    await vitals.getByLabel("Diastolic (mmHg)").fill("80");
    await vitals.getByRole("button", { name: "Record vital signs" }).click();
    await expect(vitals.getByText("Systolic must be between 50 and 260 mmHg")).toBeVisible();
    await vitals.getByLabel("Systolic (mmHg)").fill("132");
    await vitals.getByLabel("Pulse (/min)").fill("68");
    await vitals.getByLabel("Temperature (°C)").fill("36.8");
    await vitals.getByRole("button", { name: "Record vital signs" }).click();
    await expect(vitals.locator(".vitals-latest")).toContainText("132/80 mmHg");
    await expect(vitals.locator(".vitals-latest")).toContainText("36.8 °C");

    // A medication, then stopping it is a recorded act that asks first.
    const meds = page.getByRole("region", { name: "Current medications" });
    await meds.locator("summary", { hasText: "Record a medication" }).click();
    await meds.getByLabel("Medication").fill("Journeyprofen");
    await meds.getByLabel("Dose").fill("200 mg");
    await meds.getByLabel("Frequency").fill("three times daily");
    await meds.getByRole("button", { name: "Record medication" }).click();
    await expect(meds.locator(".entries").first()).toContainText("Journeyprofen 200 mg");
    await meds.getByRole("button", { name: "Stop: Journeyprofen 200 mg" }).click();
    const stopDialog = page.getByRole("dialog", { name: "Stop Journeyprofen 200 mg?" });
    await stopDialog.getByLabel("Reason (optional)").fill("Pain settled");
    await stopDialog.getByRole("button", { name: "Record stop" }).click();
    await expect(meds.getByText("No current medications recorded.")).toBeVisible();
    await meds.locator("summary", { hasText: /Stopped and entered in error \(1\)/ }).click();
    await expect(meds).toContainText("Pain settled");

    // An allergy ends "no known allergies"; the banner turns red.
    await allergiesCard.locator("summary", { hasText: "Record an allergy" }).click();
    await allergiesCard.getByLabel("Substance").fill("Journey latex");
    await allergiesCard.getByLabel("Severity").selectOption("severe");
    await allergiesCard.getByRole("button", { name: "Record allergy" }).click();
    await expect(banner).toContainText("Allergies:");
    await expect(banner).toContainText("Journey latex (severe)");
    await atBothWidths(page, "chart-essentials-recorded", (n) => testInfo.outputPath(n));

    // Entered in error asks first and needs a reason; the entry stays, struck through.
    await allergiesCard.getByRole("button", { name: "Entered in error: Journey latex" }).click();
    const errDialog = page.getByRole("dialog", { name: "Mark “Journey latex” entered in error?" });
    await errDialog.getByRole("button", { name: "Mark entered in error" }).click();
    await expect(errDialog.getByText("Say why in at least 5 characters")).toBeVisible();
    await errDialog.getByLabel("Reason").fill("Wrong patient selected");
    await errDialog.getByRole("button", { name: "Mark entered in error" }).click();
    await expect(errDialog).toBeHidden();
    await expect(banner).toContainText("Allergies not recorded");
    await allergiesCard.locator("summary", { hasText: /Inactive and entered in error \(2\)/ }).click();
    await expect(allergiesCard.locator("li.in-error")).toContainText("Wrong patient selected");
    await page.screenshot({ path: testInfo.outputPath("chart-essentials-in-error-desktop.png"), fullPage: true });
    await context.close();
  },
);

test(
  "the practice admin off the care team opens the chart but reads no clinical essentials",
  { tag: "@admin" },
  async ({ browser }, testInfo) => {
    const context = await browser.newContext({ storageState: as.northAdmin, viewport: desktop });
    const page = await context.newPage();
    await openChart(page, byMrn("DEMO-N-0001"));
    await expect(page.getByTestId("allergy-banner")).toContainText("shown to the patient's care team only");
    await expect(page.getByText("Penicillin")).toHaveCount(0);
    await expect(page.getByText("Allergies not recorded")).toHaveCount(0);
    await expect(page.getByRole("region", { name: "Problems" })).toHaveCount(0);
    await atBothWidths(page, "chart-essentials-admin", (n) => testInfo.outputPath(n));
    await context.close();
  },
);
