import { expect, test, type Page } from "@playwright/test";
import { formatDate } from "@/lib/time";
import { demoPanel } from "@/server/db/seed/demo-data";
import { noSeriousViolations } from "./axe";
import { as } from "./state";

// One patient, one chart: the duplicate warning at registration, "Create anyway" with a reason,
// and the admin's merge, at desktop and phone sizes. Screenshots go to SHOTS for a person to look at.

const SHOTS = process.env.E2E_SHOTS_DIR ?? "test-results/one-chart";
// Each size registers its own people, born on different days so they are not each other's duplicates.
const sizes = [
  ["desktop", { width: 1280, height: 800 }, "1951-06-15"],
  ["phone", { width: 390, height: 844 }, "1953-09-21"],
] as const;

async function noHorizontalScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
}

async function register(page: Page, p: { givenName: string; familyName: string; birthDate: string }) {
  await page.goto("/patients/new");
  await page.getByLabel("Given name").fill(p.givenName);
  await page.getByLabel("Family name").fill(p.familyName);
  await page.getByLabel("Birth date").fill(p.birthDate);
  await page.getByRole("button", { name: "Create patient" }).click();
}

for (const [size, viewport, birthDate] of sizes) {
  const born = formatDate(birthDate);
  test(
    `registering someone the practice may already have warns and needs a reason (${size})`,
    {
      tag: "@clinician",
    },
    async ({ browser }) => {
      const context = await browser.newContext({ storageState: as.shepherd, viewport });
      const page = await context.newPage();

      // Someone registered a moment ago, registered again: listed with name, MRN and birth date.
      const person = { givenName: "Ivo", familyName: `Quenby-${size}`, birthDate };
      await register(page, person);
      await expect(page).toHaveURL(/\/patients\/[0-9a-f-]{36}$/);
      const mrn = (await page.locator(".patient-banner").innerText()).match(/MRN\s*(\d{6})/)![1];
      await register(page, person);
      const warning = page.getByRole("alert").filter({ hasText: "Possible duplicate" });
      await expect(warning).toBeVisible();
      await expect(page.getByTestId("duplicate-candidates")).toHaveText(
        `Ivo Quenby-${size} · MRN ${mrn} · born ${born} (same name and birth date)`,
      );
      await expect(page.getByRole("heading", { name: /Possible duplicate/ })).toBeFocused();
      await noSeriousViolations(page);
      await noHorizontalScroll(page);
      await page.screenshot({ path: `${SHOTS}/duplicate-warning-${size}.png`, fullPage: true });

      // "Create anyway" without a reason is refused on the field; nothing is created.
      await page.getByRole("button", { name: "Create anyway" }).click();
      await expect(page.getByText("Say why this is a different person")).toBeVisible();
      await expect(page).toHaveURL(/\/patients\/new$/);

      // With a reason: the chart opens, with an MRN the practice generated.
      await page.getByLabel("Reason to create anyway").fill("Twin with the same name; checked photo ID");
      await page.getByRole("button", { name: "Create anyway" }).click();
      await expect(page).toHaveURL(/\/patients\/[0-9a-f-]{36}$/);
      await expect(page.getByRole("heading", { level: 1 })).toContainText(`Ivo Quenby-${size}`);
      await expect(page.locator(".patient-banner")).toContainText(/MRN\s*\d{6}/);
      await expect(page.locator(".patient-banner")).not.toContainText(`MRN${mrn}`);
      await page.screenshot({ path: `${SHOTS}/created-anyway-${size}.png`, fullPage: true });

      // The front desk's details, edited on the demographics card.
      const card = page.getByRole("region", { name: "Demographics" });
      await card.getByRole("button", { name: "Edit details" }).click();
      await card.getByLabel("Pronouns").fill("they/them");
      await card.getByLabel("Country").fill("zz9");
      await card.getByRole("button", { name: "Save changes" }).click();
      await expect(card.getByText("Two letters (ISO 3166), e.g. US or GB")).toBeVisible();
      await card.getByLabel("Country").fill("gb");
      await card.getByLabel("Contact name").fill("Test Contact");
      await card.getByLabel("Relationship").selectOption({ label: "Sibling" });
      await card.getByLabel("Payer").fill("Example Health");
      await noHorizontalScroll(page);
      await card.screenshot({ path: `${SHOTS}/demographics-edit-${size}.png` });
      await card.getByRole("button", { name: "Save changes" }).click();
      await expect(card.getByTestId("demographics")).toContainText("they/them");
      await expect(card.getByTestId("demographics")).toContainText("GB");
      await expect(card.getByTestId("demographics")).toContainText("Test Contact (sibling)");
      await card.screenshot({ path: `${SHOTS}/demographics-${size}.png` });

      // A colleague's patient: only the bare answer, nothing about who it is.
      const colleagues = demoPanel("grey", "northside").filter((p) => !p.team.includes("shepherd"));
      const hidden = colleagues[size === "desktop" ? 0 : 1];
      await register(page, hidden);
      await expect(page.getByTestId("duplicate-elsewhere")).toContainText(
        "A possible duplicate exists in the practice that you cannot see. Ask a practice admin",
      );
      await expect(page.getByTestId("duplicate-candidates")).toHaveCount(0);
      await expect(page.locator("main")).not.toContainText(hidden.mrn);
      await page.screenshot({ path: `${SHOTS}/duplicate-elsewhere-${size}.png`, fullPage: true });
      await context.close();
    },
  );

  test(
    `an admin merges two charts of the same person, naming both (${size})`,
    { tag: "@admin" },
    async ({ browser }) => {
      const context = await browser.newContext({ storageState: as.northAdmin, viewport });
      const page = await context.newPage();
      const person = { givenName: "Oona", familyName: `Merrow-${size}`, birthDate };
      await register(page, person);
      await expect(page).toHaveURL(/\/patients\/[0-9a-f-]{36}$/);
      const keepId = page.url().split("/").pop()!;
      await register(page, person);
      await expect(page.getByTestId("duplicate-candidates")).toContainText(`Oona Merrow-${size} · MRN`);
      await page.getByLabel("Reason to create anyway").fill("Registered twice at the front desk, to merge");
      await page.getByRole("button", { name: "Create anyway" }).click();
      await expect(page).toHaveURL(/\/patients\/[0-9a-f-]{36}$/);
      const mergeId = page.url().split("/").pop()!;
      expect(mergeId).not.toBe(keepId);

      await page.goto(`/admin/patients?q=Merrow-${size}`);
      const mergeLinks = page.getByRole("link", { name: `Merge Oona Merrow-${size}` });
      await expect(mergeLinks).toHaveCount(2);
      // :visible — while the list streams in, React may hold a second, hidden copy of the row.
      await page.locator(`a[href="/admin/patients/merge?mergeId=${mergeId}"]:visible`).click();
      await expect(page.getByRole("heading", { name: "Merge charts" })).toBeVisible();
      const mergeAway = await page.getByTestId("merge-away").innerText();
      expect(mergeAway).toMatch(new RegExp(`^Oona Merrow-${size}, MRN \\S+, born ${born}$`));
      const keepChoice = page.getByRole("radio", { name: new RegExp(`^Oona Merrow-${size}, MRN`) });
      await expect(keepChoice).toHaveCount(1);
      await keepChoice.check();
      await noHorizontalScroll(page);
      await page.screenshot({ path: `${SHOTS}/merge-page-${size}.png`, fullPage: true });

      await page.getByRole("button", { name: "Merge into the chosen chart" }).click();
      const dialog = page.getByRole("dialog", { name: `Merge Oona Merrow-${size} into the kept chart?` });
      await expect(dialog).toContainText(mergeAway);
      await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
      await page.screenshot({ path: `${SHOTS}/merge-dialog-${size}.png` });
      await dialog.getByRole("button", { name: "Merge charts" }).click();
      await expect(page.getByRole("status").filter({ hasText: "Merged" })).toContainText(
        `Merged ${mergeAway} into Oona Merrow-${size}, MRN`,
      );
      await page.screenshot({ path: `${SHOTS}/merged-${size}.png`, fullPage: true });

      // The merged chart is a redirect to the kept one.
      await page.goto(`/patients/${mergeId}`);
      await expect(page).toHaveURL(new RegExp(`/patients/${keepId}$`));
      await page.goto(`/admin/patients?q=Merrow-${size}`);
      await expect(page.getByRole("table", { name: "All patients" })).toContainText("merged");
      await context.close();
    },
  );
}
