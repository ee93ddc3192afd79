import { expect, test, type Page } from "@playwright/test";
import { demoPanel, fullName } from "@/server/db/seed/demo-data";
import { as } from "./state";

test.use({ storageState: as.grey });

const SHOTS = process.env.E2E_SHOTS_DIR ?? "/tmp/shots/schedule";

/** The same chart open twice with "Edit details" pressed in both (two tabs). */
async function twoTabs(context: import("@playwright/test").BrowserContext, mrn: string, name: string) {
  const first = await context.newPage();
  await first.goto(`/patients?q=${mrn}`);
  await first.getByRole("link", { name }).click();
  await first.waitForURL(/\/patients\/[0-9a-f-]{36}$/);
  const second = await context.newPage();
  await second.goto(first.url());
  for (const page of [first, second]) await page.getByRole("button", { name: "Edit details" }).click();
  return [first, second] as const;
}

async function shoot(page: Page, name: string) {
  for (const [size, viewport] of [
    ["desktop", { width: 1280, height: 800 }],
    ["phone", { width: 390, height: 844 }],
  ] as const) {
    await page.setViewportSize(viewport);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(viewport.width);
    await page.screenshot({ path: `${SHOTS}/${name}-${size}.png`, fullPage: true });
  }
}

test(
  "a stale edit names who changed what and when, keeps the typed values, and applies them on top",
  { tag: "@clinician" },
  async ({ context }) => {
    const patient = demoPanel("grey", "northside")[5];
    const [first, second] = await twoTabs(context, patient.mrn, `${patient.familyName}, ${patient.givenName}`);
    await expect(first.getByRole("heading", { level: 1 })).toHaveText(fullName(patient));
    await first.getByLabel("Phone").fill("555-0177");
    await first.getByRole("button", { name: "Save changes" }).click();
    await expect(first.getByTestId("patient-phone")).toHaveText("555-0177");

    await second.getByLabel("Phone").fill("555-0188");
    await second.getByLabel("Email").fill("stale.edit@example.test");
    await second.getByRole("button", { name: "Save changes" }).click();
    const alert = second.getByRole("alert").first();
    await expect(alert).toContainText("Dr. Meredith Grey changed these details at");
    await expect(alert).not.toContainText("version");
    const theirs = second.getByRole("region", { name: /^Their change \(Dr\. Meredith Grey, \d/ });
    await expect(theirs).toContainText("Phone");
    await expect(theirs).toContainText("555-0177");
    // The typed values are still in the form.
    await expect(second.getByLabel("Phone")).toHaveValue("555-0188");
    await expect(second.getByLabel("Email")).toHaveValue("stale.edit@example.test");
    await shoot(second, "stale-edit");

    await theirs.getByRole("button", { name: "Apply mine on top" }).click();
    await expect(second.getByTestId("patient-phone")).toHaveText("555-0188");
    await second.reload();
    await expect(second.getByTestId("patient-phone")).toHaveText("555-0188");
  },
);

test("reviewing their change drops the typed values after asking", { tag: "@clinician" }, async ({ context }) => {
  const patient = demoPanel("grey", "northside")[6];
  const [first, second] = await twoTabs(context, patient.mrn, `${patient.familyName}, ${patient.givenName}`);
  await first.getByLabel("Phone").fill("555-0101");
  await first.getByRole("button", { name: "Save changes" }).click();
  await expect(first.getByTestId("patient-phone")).toHaveText("555-0101");

  await second.getByLabel("Phone").fill("555-0102");
  await second.getByRole("button", { name: "Save changes" }).click();
  const theirs = second.getByRole("region", { name: /^Their change/ });
  await theirs.getByRole("button", { name: "Review their change" }).click();
  const dialog = second.getByRole("dialog", { name: "Review their change?" });
  await dialog.getByRole("button", { name: "Discard mine and review" }).click();
  await expect(second.getByTestId("patient-phone")).toHaveText("555-0101");
  await expect(second.getByLabel("Phone")).toHaveCount(0);
});
