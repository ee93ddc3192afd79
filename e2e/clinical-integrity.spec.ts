import { readFile } from "node:fs/promises";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { demoPanel, demoPatients, fullName } from "@/server/db/seed/demo-data";
import { as } from "./state";

// Journeys: signed notes and addenda, cover with a preview, the access explainer, and
// the patient access report (CSV and PDF).

async function open(browser: Browser, state: string, path: string) {
  const context = await browser.newContext({ storageState: state });
  const page = await context.newPage();
  await page.goto(path);
  return { context, page };
}

const greyOnly = demoPanel("grey", "northside").filter((p) => !p.team.includes("shepherd"));

test(
  "grey writes a draft, signs it, cannot edit it, and adds an addendum",
  { tag: "@clinician" },
  async ({ browser }, testInfo) => {
    const patient = greyOnly[3];
    const { context, page } = await open(browser, as.grey, "/patients");
    await page.getByLabel("Search by name, MRN or birth date").fill(patient.mrn);
    await page.getByRole("link", { name: `${patient.familyName}, ${patient.givenName}` }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(fullName(patient));

    const text = `Journey note ${Date.now()}: knee pain improving.`;
    await page.getByLabel("New note").fill(text);
    await page.getByRole("button", { name: "Add note" }).click();
    const notes = page.getByRole("list", { name: "Notes" });
    const mine = notes.locator(":scope > li").filter({ hasText: text });
    await expect(mine).toContainText("Draft");

    // Edit the draft, then sign it through the confirmation dialog.
    await mine.getByRole("button", { name: /^Edit/ }).click();
    await mine.getByLabel("Edit draft").fill(`${text} Plan: physio.`);
    await mine.getByRole("button", { name: "Save draft" }).click();
    await expect(mine).toContainText("Plan: physio.");
    await mine.getByRole("button", { name: /^Sign/ }).click();
    const dialog = page.getByRole("dialog", { name: "Sign this note?" });
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Sign note" }).click();
    await expect(mine.locator(".status-badge").first()).toHaveText("Signed");
    await expect(mine.getByRole("button", { name: /^Edit/ })).toHaveCount(0);

    // The correction is an addendum under the note; the history shows each version.
    await mine.getByRole("button", { name: /^Add addendum/ }).click();
    await mine.getByLabel("Addendum").fill("Addendum: physio twice weekly, not daily.");
    await mine.getByRole("button", { name: "Sign addendum" }).click();
    await expect(mine.getByRole("list", { name: "Addenda" })).toContainText("physio twice weekly");
    await mine.getByText(/History \(3 versions\)/).click();
    await expect(mine.getByRole("list", { name: "Versions" }).locator("li")).toHaveCount(3);
    await page.screenshot({ path: testInfo.outputPath("signed-note.png"), fullPage: true });

    // The drafts list on the patients page flags the seeded two-day-old draft.
    await page.goto("/patients");
    await expect(page.getByRole("region", { name: "Your unsigned drafts" })).toContainText(
      "Unsigned for more than 24 h",
    );
    await context.close();
  },
);

test(
  "shepherd covers grey: the preview shows the count, shepherd sees grey's patients, and loses them when the cover ends",
  { tag: "@clinician" },
  async ({ browser }, testInfo) => {
    const grey = await open(browser, as.grey, "/coverage");
    const shepherd = await open(browser, as.shepherd, "/patients");
    const count = async () =>
      Number((await shepherd.page.getByTestId("patient-count").textContent())?.match(/of (\d+) patients/)?.[1]);
    await expect(shepherd.page.getByTestId("patient-count")).toHaveText(/of \d+ patients/);
    const before = await count();

    await grey.page.getByLabel("Covering clinician").selectOption({ label: "Dr. Derek Shepherd" });
    const until = new Date(Date.now() + 3 * 24 * 3600_000);
    const local = new Date(until.getTime() - until.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await grey.page.getByLabel(/^Until/).fill(local);
    await grey.page.getByLabel("Reason").fill("Conference (journey)");
    await grey.page.getByRole("button", { name: "Preview access" }).click();
    const preview = grey.page.getByTestId("coverage-preview");
    await expect(preview).toContainText(/\+\d+ of your patients for Dr\. Derek Shepherd/);
    const added = Number((await preview.textContent())?.match(/\+(\d+)/)?.[1]);
    expect(added).toBeGreaterThanOrEqual(greyOnly.length);
    await grey.page.screenshot({ path: testInfo.outputPath("preview.png"), fullPage: true });
    await grey.page.getByRole("button", { name: "Save cover" }).click();
    await expect(grey.page.getByRole("list", { name: "Cover" })).toContainText("(active)");

    try {
      await shepherd.page.reload();
      // Exactly what the preview said: the rolled-back preview and the policies agree.
      await expect(shepherd.page.getByTestId("patient-count")).toHaveText(new RegExp(`of ${before + added} patients`));
      await shepherd.page.getByLabel("Search by name, MRN or birth date").fill(greyOnly[0].mrn);
      await shepherd.page.getByRole("link", { name: `${greyOnly[0].familyName}, ${greyOnly[0].givenName}` }).click();
      await expect(
        shepherd.page
          .getByRole("status")
          .filter({ hasText: "You see this patient as cover for Dr. Meredith Grey until" }),
      ).toBeVisible();
      await shepherd.page.screenshot({ path: testInfo.outputPath("cover-banner.png"), fullPage: true });
    } finally {
      await grey.page.reload();
      await grey.page
        .getByRole("button", { name: /^End now/ })
        .first()
        .click();
      await grey.page
        .getByRole("dialog", { name: "End this cover now?" })
        .getByRole("button", { name: "End cover" })
        .click();
      await expect(grey.page.getByRole("list", { name: "Cover" })).toContainText("(ended early)");
    }
    // The chart is gone for shepherd (the same 404 as a missing patient), and so is the panel.
    const chart = shepherd.page.url();
    const response = await shepherd.page.goto(chart);
    expect(response?.status()).toBe(404);
    await shepherd.page.goto("/patients");
    await expect(shepherd.page.getByTestId("patient-count")).toHaveText(new RegExp(`of ${before} patients`));
    await grey.context.close();
    await shepherd.context.close();
  },
);

test(
  "the admin explains why locum cannot see one of grey's patients",
  { tag: "@admin" },
  async ({ browser }, testInfo) => {
    const patient = greyOnly[0];
    const { context, page } = await open(browser, as.northAdmin, "/admin/access");
    await page.getByLabel("Member").selectOption({ label: "Dr. Lee Locum (clinician)" });
    await page
      .getByLabel("Patient")
      .selectOption({ label: `${patient.familyName}, ${patient.givenName} · ${patient.mrn}` });
    await page.getByRole("button", { name: "Explain" }).click();
    const answer = page.getByRole("region", { name: /cannot see/ });
    await expect(answer).toContainText(`Dr. Lee Locum cannot see ${fullName(patient)} now`);
    await expect(answer).toContainText("is not on this patient's care team");
    await page.getByLabel("Member").selectOption({ label: "Dr. Meredith Grey (clinician)" });
    await page.getByRole("button", { name: "Explain" }).click();
    await expect(page.getByRole("region", { name: /can see/ })).toContainText("On the care team since");
    await page.screenshot({ path: testInfo.outputPath("explain.png"), fullPage: true });
    await context.close();
  },
);

test(
  "the admin downloads a patient's access report (CSV and PDF) listing grey's chart view on the care-team basis",
  { tag: "@admin" },
  async ({ browser }, testInfo) => {
    const patient = greyOnly[1];
    const grey = await open(browser, as.grey, "/patients");
    await grey.page.getByLabel("Search by name, MRN or birth date").fill(patient.mrn);
    await grey.page.getByRole("link", { name: `${patient.familyName}, ${patient.givenName}` }).click();
    await expect(grey.page.getByRole("heading", { level: 1 })).toHaveText(fullName(patient));
    await grey.context.close();

    const { context, page } = await open(browser, as.northAdmin, "/admin/access-report");
    await page
      .getByLabel("Patient")
      .selectOption({ label: `${patient.familyName}, ${patient.givenName} · ${patient.mrn}` });
    await page.getByRole("button", { name: "Show report" }).click();
    const table = page.getByRole("table", { name: "Accesses" });
    await expect(
      table.getByRole("row").filter({ hasText: "Dr. Meredith Grey" }).filter({ hasText: "Opened the chart" }).first(),
    ).toContainText("care team");
    await page.screenshot({ path: testInfo.outputPath("report.png"), fullPage: true });

    const [csv] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download CSV" }).click(),
    ]);
    const csvText = await readFile((await csv.path())!, "utf8");
    expect(csvText.split("\r\n")[0]).toContain('"who","role","what","basis"');
    expect(csvText).toMatch(/"Dr\. Meredith Grey","clinician","Opened the chart","care team"/);

    const [pdf] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download PDF" }).click(),
    ]);
    expect(pdf.suggestedFilename()).toMatch(new RegExp(`^access-report-${patient.mrn}-.*\\.pdf$`));
    const bytes = await readFile((await pdf.path())!);
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(bytes.length).toBeGreaterThan(1000);
    await pdf.saveAs(testInfo.outputPath("access-report.pdf"));
    await context.close();
  },
);

async function expectNoSeriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

test(
  "the new pages have no serious axe violations, and the sign dialog works from the keyboard",
  { tag: ["@clinician", "@admin"] },
  async ({ browser }) => {
    const grey = await open(browser, as.grey, "/coverage");
    await expectNoSeriousViolations(grey.page);
    // The seeded draft (Ada Applegate): open the sign dialog with the keyboard, Escape cancels, focus returns.
    const first = demoPatients.find((p) => p.mrn === "DEMO-N-0001")!;
    await grey.page.goto("/patients");
    await grey.page
      .getByRole("region", { name: "Your unsigned drafts" })
      .getByRole("link", { name: fullName(first) })
      .click();
    await expect(grey.page.getByRole("heading", { level: 1 })).toHaveText(fullName(first));
    const sign = grey.page.getByRole("button", { name: /^Sign your draft/ });
    await sign.focus();
    await grey.page.keyboard.press("Enter");
    const dialog = grey.page.getByRole("dialog", { name: "Sign this note?" });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await expectNoSeriousViolations(grey.page);
    await grey.page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(sign).toBeFocused();
    await grey.context.close();

    const admin = await open(browser, as.northAdmin, "/admin/access");
    await admin.page.getByLabel("Member").selectOption({ label: "Dr. Lee Locum (clinician)" });
    await admin.page
      .getByLabel("Patient")
      .selectOption({ label: `${first.familyName}, ${first.givenName} · ${first.mrn}` });
    await admin.page.getByRole("button", { name: "Explain" }).click();
    await expect(admin.page.getByRole("region", { name: /cannot see/ })).toBeVisible();
    await expectNoSeriousViolations(admin.page);
    await admin.page.getByRole("link", { name: "Access report for this patient" }).click();
    await expect(admin.page.getByRole("table", { name: "Accesses" })).toBeVisible();
    await expectNoSeriousViolations(admin.page);
    await admin.context.close();
  },
);
