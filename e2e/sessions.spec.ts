import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { as } from "./state";
import { clinicianSignIn, fillSignIn } from "./totp";

async function signIn(page: Page, email: string, path = "/login") {
  await page.goto(path);
  await fillSignIn(page, email);
}

// Lakeside's admin: in no saved browser state, and not the account the lockout journey locks.
const USER = "admin@lakeside.test";

const sessionCookies = async (context: BrowserContext) =>
  (await context.cookies()).filter((c) => c.name.endsWith("next-auth.session-token"));

test(
  "sign-out, then the old cookie replayed is refused (page, API and session renewal)",
  { tag: "@security" },
  async ({ browser, baseURL }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, USER);
    await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
    const kept = await sessionCookies(context);
    expect(kept).toHaveLength(1);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login/);
    await context.close();

    // Someone kept a copy of the cookie: it is dead everywhere.
    const replay = await browser.newContext();
    await replay.addCookies(kept);
    const again = await replay.newPage();
    await again.goto("/patients");
    await expect(again).toHaveURL(/\/login/);
    const api = await replay.request.get(`${baseURL}/api/trpc/me.get`);
    expect(api.status()).toBe(401);
    const renewal = await replay.request.get(`${baseURL}/api/auth/session`);
    expect(await renewal.json()).toEqual({});
    expect(renewal.headers()["set-cookie"] ?? "").not.toMatch(/next-auth\.session-token=ey/);
    await replay.close();
  },
);

test(
  "a member ends another session from the account page; that browser is signed out",
  { tag: "@security" },
  async ({ browser }, testInfo) => {
    const laptop = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      userAgent:
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
    });
    const a = await laptop.newPage();
    const b = await phone.newPage();
    await signIn(a, USER);
    await expect(a.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
    await signIn(b, USER);
    await expect(b.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();

    await a.getByRole("link", { name: "Lars Admin" }).click();
    await expect(a.getByRole("heading", { name: "Your account" })).toBeVisible();
    const list = a.getByRole("list", { name: "Your sessions" });
    await expect(list.getByTestId("session").filter({ hasText: "this device" })).toHaveCount(1);
    await expect(list.getByTestId("session").filter({ hasText: "Safari on iOS" })).toHaveCount(1);
    await a.screenshot({ path: testInfo.outputPath("account-1280.png"), fullPage: true });

    // The phone's own account page, at 390 px: no horizontal scroll.
    await b.goto("/account");
    await expect(b.getByRole("list", { name: "Your sessions" })).toBeVisible();
    expect(await b.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await b.screenshot({ path: testInfo.outputPath("account-390.png"), fullPage: true });

    // Ask first: Cancel keeps it; confirming ends it. (Earlier journeys may have left sessions of this user.)
    const sessions = await list.getByTestId("session").count();
    await list.getByRole("button", { name: "Sign out Safari on iOS" }).click();
    const dialog = a.getByRole("dialog");
    await expect(dialog).toContainText("Sign out Safari on iOS?");
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await a.screenshot({ path: testInfo.outputPath("account-confirm-1280.png") });
    await a.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(list.getByTestId("session")).toHaveCount(sessions);
    await list.getByRole("button", { name: "Sign out Safari on iOS" }).click();
    await dialog.getByRole("button", { name: "Sign it out" }).click();
    await expect(a.getByRole("status").filter({ hasText: "Signed out." })).toBeVisible();
    await expect(list.getByTestId("session")).toHaveCount(sessions - 1);
    await expect(list.getByTestId("session").filter({ hasText: "Safari on iOS" })).toHaveCount(0);

    await b.reload();
    await expect(b).toHaveURL(/\/login/);
    await a.reload();
    await expect(a.getByRole("heading", { name: "Your account" })).toBeVisible();
    await laptop.close();
    await phone.close();
  },
);

test(
  "the admin sees a member's active sessions on the members page",
  { tag: ["@admin", "@security"] },
  async ({ browser }, testInfo) => {
    const context = await browser.newContext({ storageState: as.northAdmin, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto("/admin/members");
    await page.getByRole("button", { name: "Sessions of Dr. Meredith Grey" }).click();
    const list = page.getByRole("list", { name: "Sessions of Dr. Meredith Grey" });
    await expect(list.getByTestId("session").first()).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign out everywhere Dr. Meredith Grey" })).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath("members-sessions-1280.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.getByRole("button", { name: "Sign out everywhere Dr. Meredith Grey" })).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: testInfo.outputPath("members-sessions-390.png"), fullPage: true });
    await context.close();
  },
);

for (const callbackUrl of [
  "/%5Cevil.example",
  "/\\evil.example",
  "/\t/evil.example",
  "//evil.example",
  "https://evil.example",
]) {
  test(
    `the sign-in form stays on the app for callbackUrl ${JSON.stringify(callbackUrl)}`,
    { tag: "@security" },
    async ({ browser, baseURL }) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await signIn(page, USER, `/login?callbackUrl=${encodeURIComponent(callbackUrl)}`);
      await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
      expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
      expect(page.url()).not.toContain("evil");
      await context.close();
    },
  );
}

test(
  "a practice switch in one tab: another tab holding the older cookie follows it to the new practice",
  { tag: "@security" },
  async ({ browser }, testInfo) => {
    const { context: first, page: a } = await clinicianSignIn(browser, "locum@careroster.test");
    // The second tab: the same session, with the cookie as it was before the switch.
    const second = await browser.newContext({ storageState: await first.storageState() });
    const b = await second.newPage();
    await a.getByLabel("Practice").selectOption({ label: "Lakeside Pediatrics" });
    await expect(a.getByLabel("Practice").locator("option:checked")).toHaveText("Lakeside Pediatrics");
    await b.goto("/patients");
    await expect(b).toHaveURL(/\/patients$/);
    await expect(b.getByLabel("Practice").locator("option:checked")).toHaveText("Lakeside Pediatrics");
    await b.screenshot({ path: testInfo.outputPath("followed.png"), fullPage: true });
    await first.close();
    await second.close();
  },
);
