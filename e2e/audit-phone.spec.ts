import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { demoPanel, demoPatients, fullName } from "@/server/db/seed/demo-data";
import { ADMIN_PAGES } from "./pages";
import { as } from "./state";

// The audit trail a practice manager can read (words and names, at 1280 and 390 px), the addendum
// box beside the note it amends, and the phone layout measured: header height, tap targets, no
// sideways scroll, the page's content on the first screen.

const phone = { width: 390, height: 844 };
const desktop = { width: 1280, height: 800 };
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const CODE = /\b[a-z]+(?:_[a-z]+)*\.[a-z_]+\b/;
const greyOnly = demoPanel("grey", "northside").filter((p) => !p.team.includes("shepherd"));
const target = greyOnly.at(-1)!;
const REASON = "Journey: found collapsed in the car park, need the allergy list";

const noSidewaysScroll = async (page: Page, width: number) =>
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);

/** At the desktop size, then the phone's: the page has no sideways scroll, then `check` runs. */
async function atBothSizes(page: Page, check: (size: "desktop" | "phone", width: number) => Promise<void>) {
  for (const [size, viewport] of [
    ["desktop", desktop],
    ["phone", phone],
  ] as const) {
    await page.setViewportSize(viewport);
    await noSidewaysScroll(page, viewport.width);
    await check(size, viewport.width);
  }
}

async function box(locator: Locator) {
  const b = await locator.boundingBox();
  expect(b, "element has a box").not.toBeNull();
  return b!;
}

/** Every visible link and button inside `scope` is at least 44 × 44 px (WCAG 2.5.5). */
async function tapTargets(scope: Locator) {
  const targets = scope.locator("a:visible, button:visible, select:visible");
  const n = await targets.count();
  expect(n).toBeGreaterThan(0);
  for (let i = 0; i < n; i++) {
    const b = await box(targets.nth(i));
    const name = (await targets.nth(i).textContent())?.trim();
    expect(b.height, `${name} is ${b.height} px tall`).toBeGreaterThanOrEqual(44);
    expect(b.width, `${name} is ${b.width} px wide`).toBeGreaterThanOrEqual(44);
  }
}

test(
  "the audit log, its CSV and the access report read as words: an emergency access ended by the clinician, with its reason",
  { tag: ["@admin", "@security"] },
  async ({ browser }, testInfo) => {
    // shepherd opens one of grey's own patients by emergency access, then ends it himself.
    const shepherd = await browser.newContext({ storageState: as.shepherd });
    const s = await shepherd.newPage();
    await s.goto("/directory");
    await s.getByLabel("Name or MRN").fill(target.mrn);
    await s
      .getByRole("list", { name: "Directory results" })
      .getByRole("button", { name: `Emergency access to ${fullName(target)}` })
      .click();
    await s.getByLabel("Reason for emergency access").fill(REASON);
    await s.getByRole("button", { name: "Request emergency access" }).click();
    await s.getByRole("link", { name: "Open the chart" }).click();
    await expect(s.getByRole("heading", { level: 1 })).toHaveText(fullName(target));
    await s.getByRole("button", { name: "End access" }).click();
    await s.getByRole("dialog", { name: "End emergency access?" }).getByRole("button", { name: "End access" }).click();
    await expect(s.getByRole("heading", { level: 1 })).not.toHaveText(fullName(target));
    await shepherd.close();

    const admin = await browser.newContext({ storageState: as.northAdmin, viewport: desktop });
    const page = await admin.newPage();
    await page.goto("/admin/audit");
    await page.getByLabel("Actor").selectOption({ label: "Dr. Derek Shepherd" });
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page).toHaveURL(/actorId=/);
    const table = page.getByRole("table", { name: "Audit events" });
    const patient = `${fullName(target)} (${target.mrn})`;
    const ended = table.locator("tbody tr").filter({ hasText: "Emergency access ended by the clinician" });
    await expect(ended).toHaveCount(1);
    await expect(ended).toContainText("Dr. Derek Shepherd");
    await expect(ended).toContainText(patient);
    await expect(ended).toContainText("Emergency access of Dr. Derek Shepherd");
    const requested = table
      .locator("tbody tr")
      .filter({ hasText: "Requested emergency access" })
      .filter({ hasText: target.mrn });
    await expect(requested).toContainText(`Reason: ${REASON}`);
    // No codes, no ids, no fragments of them: the whole table is words.
    const text = await table.innerText();
    expect(text).not.toMatch(UUID);
    expect(text).not.toMatch(CODE);
    expect(text).not.toMatch(/\b[0-9a-f]{8}\b/);

    await atBothSizes(page, async (size, width) => {
      const row = await box(ended);
      expect(row.x + row.width, `the row fits ${width} px`).toBeLessThanOrEqual(width);
      await ended.scrollIntoViewIfNeeded();
      await page.screenshot({ path: testInfo.outputPath(`audit-${size}.png`) });
    });
    // On the phone each event is a block of labelled lines, the patient's name and MRN whole.
    await expect(ended.locator("td").first()).toHaveCSS("display", "block");
    const mrn = ended.locator(".mrn");
    expect((await box(mrn)).height).toBeLessThan(30);
    await page.setViewportSize(desktop);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Export CSV" }).click(),
    ]);
    const csv = (await readFile((await download.path())!, "utf8")).trim().split("\r\n");
    expect(csv[0]).toContain('"about","details","emergencyReason"');
    const endedLine = csv.find((l) => l.includes('"Emergency access ended by the clinician"'));
    expect(endedLine).toContain('"Emergency access of Dr. Derek Shepherd"');
    expect(endedLine).toContain(`"${REASON}"`);

    // The access report: the emergency access says the clinician ended it, not an admin.
    await page.goto("/admin/access-report");
    await page
      .getByLabel("Patient")
      .selectOption({ label: `${target.familyName}, ${target.givenName} · ${target.mrn}` });
    await page.getByRole("button", { name: "Show report" }).click();
    const accesses = page.getByRole("table", { name: "Accesses" });
    const emergency = accesses.locator("tr.emergency").first();
    await expect(emergency).toContainText(`Reason: ${REASON}`);
    await expect(emergency).toContainText("Ended early by the clinician");
    await expect(emergency).not.toContainText("Revoked by an admin");
    await atBothSizes(page, async (size) => {
      await page.screenshot({ path: testInfo.outputPath(`access-report-${size}.png`), fullPage: true });
    });
    await admin.close();
  },
);

test(
  "the access report summarises a clinician's list pages in one line with the count and the times",
  { tag: "@admin" },
  async ({ browser }) => {
    const listed = demoPanel("grey", "northside")[0];
    const grey = await browser.newContext({ storageState: as.grey });
    const g = await grey.newPage();
    for (let i = 0; i < 3; i++) {
      await g.goto("/patients");
      await expect(g.getByRole("table", { name: "Patients" })).toContainText(listed.familyName);
    }
    await grey.close();
    const admin = await browser.newContext({ storageState: as.northAdmin, viewport: desktop });
    const page = await admin.newPage();
    await page.goto("/admin/access-report");
    await page
      .getByLabel("Patient")
      .selectOption({ label: `${listed.familyName}, ${listed.givenName} · ${listed.mrn}` });
    await page.getByRole("button", { name: "Show report" }).click();
    const lists = page
      .getByRole("table", { name: "Accesses" })
      .locator("tbody tr")
      .filter({ hasText: "Dr. Meredith Grey" })
      .filter({ hasText: "Shown on a patient list page" });
    await expect(lists.last()).toContainText(
      /Shown on a patient list page, \d+ times (between \d\d:\d\d and|at) \d\d:\d\d \S+/,
    );
    await admin.close();
  },
);

test(
  "an addendum box keeps the signed note it amends in view, with its author and signed time in the zone",
  { tag: "@clinician" },
  async ({ browser }, testInfo) => {
    const ada = demoPatients.find((p) => p.mrn === "DEMO-N-0001")!;
    const grey = await browser.newContext({ storageState: as.grey, viewport: phone });
    const page = await grey.newPage();
    await page.goto("/patients");
    await page.getByRole("link", { name: `${ada.familyName}, ${ada.givenName}` }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(fullName(ada));
    // The first signed note (by position: its "Add addendum" button goes while the box is open).
    const items = page.getByRole("list", { name: "Notes" }).locator(":scope > li");
    let index = 0;
    while (
      !(await items
        .nth(index)
        .getByRole("button", { name: /^Add addendum/ })
        .count())
    )
      index++;
    const signed = items.nth(index);
    const body = (await signed.locator(":scope > .note-body").innerText()).trim();
    await signed.getByRole("button", { name: /^Add addendum/ }).click();
    const amended = signed.getByRole("figure");
    await expect(amended).toContainText(body);
    await expect(amended.locator("figcaption")).toHaveText(
      /^Amends the note signed by Dr\. [A-Z][a-z]+ [A-Z][a-z]+ on \d{1,2} \w{3} \d{4}, \d\d:\d\d \S+$/,
    );
    const addendum = signed.getByLabel("Addendum");
    await expect(addendum).toHaveAttribute("aria-describedby", /amended-/);
    expect((await box(amended)).y).toBeLessThan((await box(addendum)).y);
    await noSidewaysScroll(page, phone.width);
    await amended.scrollIntoViewIfNeeded();
    await page.screenshot({ path: testInfo.outputPath("addendum-phone.png") });
    await signed.getByRole("button", { name: "Cancel" }).click();
    await expect(amended).toHaveCount(0);
    await grey.close();
  },
);

for (const [who, state, paths] of [
  [
    "Dr Grey",
    as.grey,
    // With a 404 and a 403 inside the signed-in layout: one header there too.
    ["/today", "/patients", "/directory", "/coverage", "/account", `/patients/${randomUUID()}`, "/admin/members"],
  ],
  ["the Northside admin", as.northAdmin, ADMIN_PAGES],
] as const) {
  test(
    `the phone layout for ${who}: a header under 80 px, the content on the first screen, 44-px tap targets, no sideways scroll`,
    { tag: who === "Dr Grey" ? "@clinician" : "@admin" },
    async ({ browser }, testInfo) => {
      test.setTimeout(240_000);
      const context = await browser.newContext({ storageState: state, viewport: phone });
      const page = await context.newPage();
      for (const path of paths) {
        const name = path.replace(/\W+/g, "_");
        await page.setViewportSize(phone);
        await page.goto(path);
        const heading = page.getByRole("heading", { level: 1 }).first();
        await expect(heading).toBeVisible();
        const header = page.locator("header.topbar");
        await expect(header).toHaveCount(1);
        expect((await box(header)).height, `${path}: header height`).toBeLessThan(80);
        expect((await box(heading)).y, `${path}: the heading is on the first screen`).toBeLessThan(phone.height / 2);
        await noSidewaysScroll(page, phone.width);
        await tapTargets(header);
        const adminMenu = page.getByRole("button", { name: "Admin menu" });
        const adminPage = path.startsWith("/admin") && who !== "Dr Grey";
        if (adminPage) {
          await expect(page.getByRole("navigation", { name: "Admin" })).toBeHidden();
          await tapTargets(page.locator(".admin-menu"));
        }
        await page.screenshot({ path: testInfo.outputPath(`${name}-phone.png`) });

        // At 1280 px nothing is folded.
        await page.setViewportSize(desktop);
        await expect(page.getByRole("button", { name: "Menu", exact: true })).toBeHidden();
        await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
        if (adminPage) await expect(page.getByRole("navigation", { name: "Admin" })).toBeVisible();
        await noSidewaysScroll(page, desktop.width);
        await page.screenshot({ path: testInfo.outputPath(`${name}-desktop.png`) });
        await page.setViewportSize(phone);
        if (adminPage) await expect(adminMenu).toHaveAttribute("aria-expanded", "false");
      }

      // The menu opens by keyboard, every item a 44-px target, Escape closes it and returns focus.
      const menu = page.getByRole("button", { name: "Menu", exact: true });
      await menu.focus();
      await page.keyboard.press("Enter");
      await expect(menu).toHaveAttribute("aria-expanded", "true");
      const main = page.getByRole("navigation", { name: "Main" });
      await expect(main.getByRole("link", { name: "Patients" })).toBeVisible();
      await tapTargets(page.locator("header.topbar"));
      await noSidewaysScroll(page, phone.width);
      await page.screenshot({ path: testInfo.outputPath("menu-open-phone.png") });
      await page.keyboard.press("Escape");
      await expect(menu).toHaveAttribute("aria-expanded", "false");
      await expect(menu).toBeFocused();
      // A link in the menu navigates and the menu closes behind it.
      await menu.click();
      await main.getByRole("link", { name: "Patients" }).click();
      await expect(page).toHaveURL(/\/patients$/);
      await expect(menu).toHaveAttribute("aria-expanded", "false");

      if (who !== "Dr Grey") {
        await page.goto("/admin/audit");
        const adminMenu = page.getByRole("button", { name: "Admin menu" });
        await adminMenu.click();
        const nav = page.getByRole("navigation", { name: "Admin" });
        await expect(nav.getByRole("link", { name: "Audit log" })).toHaveAttribute("aria-current", "page");
        await tapTargets(nav);
        await page.screenshot({ path: testInfo.outputPath("admin-menu-open-phone.png") });
        await nav.getByRole("link", { name: /^Care teams/ }).click();
        await expect(page.getByRole("heading", { level: 1, name: "Care teams" })).toBeVisible();
        await expect(nav).toBeHidden();
        // Each care-team checkbox has a 44-px target: its label, which toggles it.
        const first = page.getByRole("table", { name: "Care teams" }).locator("tbody tr").first();
        const tap = first.locator("label.tap");
        const b = await box(tap);
        expect(b.width).toBeGreaterThanOrEqual(44);
        expect(b.height).toBeGreaterThanOrEqual(44);
        const checkbox = first.getByRole("checkbox");
        await page.mouse.click(b.x + 4, b.y + 4); // a corner of the target, outside the 20-px box
        await expect(checkbox).toBeChecked();
        await page.mouse.click(b.x + 4, b.y + 4);
        await expect(checkbox).not.toBeChecked();
        // Names and MRNs are whole on their lines: one line each.
        expect((await box(first.locator(".mrn"))).height).toBeLessThan(30);
      }
      await context.close();
    },
  );
}
