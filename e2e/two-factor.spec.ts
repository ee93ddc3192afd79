import { expect, test, type Browser, type Page } from "@playwright/test";
import { startDnsServer } from "@/tests/helpers/dns-server";
import { waitForMail } from "@/tests/helpers/mailbox";
import { E2E_DNS_PORT } from "./dns";
import { IDP_CLIENT_ID, IDP_CLIENT_SECRET, startIdp } from "./idp";
import { newInvitedAccount } from "./invite";
import { E2E_MAIL_DIR } from "./mail";
import { as } from "./state";
import { enterCode, nextCode } from "./totp";

// Through the real UI: a practice requiring two-factor holds an unenrolled clinician at
// enrollment (and the API answers FORBIDDEN) until they enroll with a code computed from the secret
// the page shows; password + code; a recovery code; an admin's reset. Then SSO against a real
// OpenID provider (oidc-provider on a free port): success, an unverified email, another practice's user.

const STRONG = "Quiet harbour lantern 2291";
const EMAIL = "dr.twofactor@northside.test";

async function adminPage(browser: Browser, path: string) {
  const context = await browser.newContext({ storageState: as.northAdmin });
  const page = await context.newPage();
  await page.goto(path);
  return { context, page };
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
}

async function passwordStep(page: Page) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(EMAIL);
  await page.getByLabel("Password", { exact: true }).fill(STRONG);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test.describe.configure({ mode: "serial" });

test("policy 'everyone' holds an unenrolled clinician at enrollment; enroll, sign in with a code and with a recovery code; an admin resets the factor", async ({
  browser,
}, testInfo) => {
  test.setTimeout(180_000);
  const admin = await adminPage(browser, "/admin/settings");
  await expect(admin.page.getByRole("heading", { name: "Practice settings" })).toBeVisible();
  await admin.page.getByLabel(/^Everyone/).check();
  await expect(admin.page.getByRole("status")).toContainText("Two-factor policy saved: Everyone.");
  await admin.page.screenshot({ path: testInfo.outputPath("settings-1280.png"), fullPage: true });
  await admin.page.setViewportSize({ width: 390, height: 844 });
  await admin.page.screenshot({ path: testInfo.outputPath("settings-390.png"), fullPage: true });
  expect(await admin.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await admin.page.setViewportSize({ width: 1280, height: 800 });

  // A new clinician joins through an invitation (no second factor yet).
  const { context, page } = await newInvitedAccount(browser, EMAIL, "Dr. Tess Twofactor", STRONG);

  // Signed in with the password only: sent to enrollment; the API refuses patient data.
  await passwordStep(page);
  await expect(page).toHaveURL(/\/account/);
  await expect(page.getByRole("heading", { name: "Two-factor authentication" })).toBeVisible();
  await expect(page.locator("main").getByRole("alert")).toContainText(
    "Your practice requires two-factor authentication",
  );
  const refused = await page.request.get("/api/trpc/patients.list?input=%7B%22json%22%3A%7B%7D%7D");
  expect(refused.status()).toBe(403);
  await page.goto("/patients");
  await expect(page).toHaveURL(/\/account/);

  await page.getByRole("button", { name: "Set up two-factor authentication" }).click();
  await expect(page.getByRole("img", { name: /QR code/ })).toBeVisible();
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  await page.screenshot({ path: testInfo.outputPath("enroll-1280.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: testInfo.outputPath("enroll-390.png"), fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByLabel("6-digit code from the app").fill(await nextCode(EMAIL, secret));
  await page.getByRole("button", { name: "Turn on two-factor" }).click();
  await expect(page.getByRole("list", { name: "Recovery codes" }).locator("code")).toHaveCount(10);
  const codes = (await page.getByRole("list", { name: "Recovery codes" }).locator("code").allTextContents()).map((c) =>
    c.trim(),
  );
  expect(codes).toHaveLength(10);
  await page.screenshot({ path: testInfo.outputPath("recovery-codes-1280.png"), fullPage: true });
  await page.getByRole("button", { name: "I have saved these codes" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Two-factor authentication is on" })).toBeVisible();
  expect((await page.request.get("/api/trpc/patients.list?input=%7B%22json%22%3A%7B%7D%7D")).status()).toBe(200);
  // The secret is never shown again.
  await page.reload();
  expect(await page.content()).not.toContain(secret);

  // Password + code.
  await signOut(page);
  await passwordStep(page);
  await page.getByLabel("Authentication code").fill(await nextCode(EMAIL, secret));
  await page.screenshot({ path: testInfo.outputPath("login-code-1280.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: testInfo.outputPath("login-code-390.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page.getByRole("heading", { name: "Today", level: 1 })).toBeVisible();

  // A recovery code instead (once).
  const withRecoveryCode = async (code: string) => {
    await signOut(page);
    await passwordStep(page);
    await page.getByRole("button", { name: "Use a recovery code instead" }).click();
    await page.getByLabel("Recovery code", { exact: true }).fill(code);
    await page.getByRole("button", { name: "Verify and sign in" }).click();
  };
  await withRecoveryCode(codes[0]);
  await expect(page.getByRole("heading", { name: "Today", level: 1 })).toBeVisible();
  await withRecoveryCode(codes[0]);
  await expect(page.locator("form").getByRole("alert")).toContainText("That code is not right");
  await page.getByLabel("Recovery code", { exact: true }).fill(codes[1]);
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page.getByRole("heading", { name: "Today", level: 1 })).toBeVisible();

  // The admin resets the member's factor (asks first); the member is held at enrollment again.
  await admin.page.goto("/admin/settings");
  const row = admin.page.getByRole("listitem").filter({ hasText: EMAIL });
  await expect(row).toContainText("Two-factor on");
  await row.getByRole("button", { name: "Reset two-factor" }).click();
  await expect(admin.page.getByRole("dialog")).toContainText("Reset Dr. Tess Twofactor's second factor?");
  await admin.page.getByRole("dialog").getByRole("button", { name: "Reset" }).click();
  await expect(admin.page.getByRole("status")).toContainText("second factor was reset");
  await page.goto("/patients");
  await expect(page).toHaveURL(/\/account/);
  await expect(page.getByRole("button", { name: "Set up two-factor authentication" })).toBeVisible();

  // Back to the default policy for the journeys after this one.
  await admin.page.getByLabel(/^Admins/).check();
  await expect(admin.page.getByRole("status")).toContainText("Two-factor policy saved: Admins (default).");
  await context.close();
  await admin.context.close();
});

test("SSO through the practice's OpenID provider: proven domains, an existing account links only with its own proof, another practice's users and sessions stay out", async ({
  browser,
  baseURL,
}, testInfo) => {
  test.setTimeout(120_000);
  const idp = await startIdp(`${baseURL}/api/auth/callback/sso-northside`);
  const dns = await startDnsServer(E2E_DNS_PORT);
  try {
    const admin = await adminPage(browser, "/admin/settings");
    const sso = admin.page.locator("section", {
      has: admin.page.getByRole("heading", { name: "Single sign-on (OpenID Connect)" }),
    });
    await expect(sso).toContainText(`${baseURL}/api/auth/callback/sso-northside`);
    await sso.getByLabel("Issuer URL").fill(idp.issuer);
    await sso.getByLabel("Client id").fill(IDP_CLIENT_ID);
    await sso.getByLabel("Client secret").fill(IDP_CLIENT_SECRET);
    await sso.getByRole("button", { name: "Save single sign-on" }).click();
    await expect(sso.getByRole("status")).toContainText("Single sign-on saved");

    // The domain serves the practice once its DNS record proves it (the journey's DNS server answers).
    const domains = admin.page.locator("section", {
      has: admin.page.getByRole("heading", { name: "Single sign-on domains" }),
    });
    await domains.getByLabel("Email domain").fill("gmail.com");
    await domains.getByRole("button", { name: "Add domain" }).click();
    await expect(domains).toContainText("public mail domain");
    await domains.getByLabel("Email domain").fill("northside.test");
    await domains.getByRole("button", { name: "Add domain" }).click();
    await expect(domains.getByRole("status")).toContainText("northside.test added");
    const row = domains.getByRole("listitem").filter({ hasText: "northside.test" });
    await expect(row).toContainText("Pending");
    await expect(row).toContainText("_careroster-sso.northside.test");
    const value = (await row.locator("dd code").nth(1).textContent()) ?? "";
    expect(value).toMatch(/^careroster-sso=[0-9a-f]{32}$/);
    await row.getByRole("button", { name: "Check DNS" }).click();
    await expect(row.getByRole("alert")).toContainText("No TXT record was found at _careroster-sso.northside.test");
    dns.setTxt("_careroster-sso.northside.test", [value]);
    await row.getByRole("button", { name: "Check DNS" }).focus();
    await admin.page.keyboard.press("Enter");
    await expect(row).toContainText("Verified via DNS");
    await admin.page.setViewportSize({ width: 390, height: 844 });
    expect(await admin.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await domains.screenshot({ path: testInfo.outputPath("sso-domains-390.png") });
    await admin.page.setViewportSize({ width: 1280, height: 800 });
    // The secret is write-only.
    await admin.page.reload();
    expect(await admin.page.content()).not.toContain(IDP_CLIENT_SECRET);

    /** Starts the practice's SSO from the sign-in page and signs in at the IdP as `login`. */
    async function viaIdp(login: string, viewport = { width: 1280, height: 800 }) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      await page.goto("/login");
      await page.getByLabel("Email").fill("grey@northside.test");
      await page.getByRole("button", { name: "Continue with your practice's sign-in" }).click();
      await expect(page).toHaveURL(new RegExp(`^${idp.issuer}`));
      await page.locator('input[name="login"]').fill(login);
      await page.locator('input[name="password"]').fill("anything");
      await page.getByRole("button", { name: "Sign-in" }).click();
      await page.getByRole("button", { name: "Continue" }).click();
      return { context, page };
    }
    const linkNotice = "asked to open an existing CareRoster account";
    /** Nobody is signed in in this browser: the app sends it back to sign-in. */
    async function signedOut(page: Page) {
      await page.goto("/today");
      await expect(page).toHaveURL(/\/login/);
    }

    // Grey has a password account, so the practice's provider alone opens nothing: whoever controls
    // the IdP lands on a page asking for Grey's own password and code, and a guess gets nowhere.
    const attacker = await viaIdp("grey");
    await expect(attacker.page).toHaveURL(/\/login\?.*link=/);
    await expect(attacker.page.getByRole("status")).toContainText(linkNotice);
    await attacker.page.getByLabel("Password", { exact: true }).fill("not-greys-password");
    await attacker.page.getByRole("button", { name: "Sign in" }).click();
    await expect(attacker.page.locator("main").getByRole("alert")).toContainText("do not match an account");
    await signedOut(attacker.page);
    await attacker.context.close();

    // Grey herself proves the account once (password and code); the link is mailed to her.
    const since = Date.now();
    const linking = await viaIdp("grey");
    await expect(linking.page.getByRole("status")).toContainText(linkNotice);
    await linking.page.screenshot({ path: testInfo.outputPath("sso-link-1280.png"), fullPage: true });
    await linking.page.setViewportSize({ width: 390, height: 844 });
    expect(await linking.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await linking.page.screenshot({ path: testInfo.outputPath("sso-link-390.png"), fullPage: true });
    await linking.page.setViewportSize({ width: 1280, height: 800 });
    await linking.page.getByLabel("Password", { exact: true }).fill("demo-password");
    await linking.page.getByRole("button", { name: "Sign in" }).click();
    await enterCode(linking.page, "grey@northside.test");
    await expect(linking.page.getByRole("heading", { name: "Today", level: 1 })).toBeVisible();
    const mail = await waitForMail(E2E_MAIL_DIR, "grey@northside.test", since);
    expect(mail.subject).toContain("sign-in was linked to your CareRoster account");
    await linking.context.close();

    // Linked: the practice's sign-in now opens her account directly, and her account page lists it.
    const ok = await viaIdp("grey");
    await expect(ok.page.getByRole("heading", { name: "Today", level: 1 })).toBeVisible();
    await ok.page.screenshot({ path: testInfo.outputPath("sso-success.png"), fullPage: true });
    await ok.page.goto("/account");
    const linked = ok.page.getByRole("list", { name: "Linked sign-ins" });
    await expect(linked).toContainText("Northside Family Clinic");
    await ok.page.screenshot({ path: testInfo.outputPath("account-linked-1280.png"), fullPage: true });
    await linked.getByRole("button", { name: /^Unlink/ }).click();
    await ok.page.getByRole("dialog").getByRole("button", { name: "Unlink" }).click();
    await expect(ok.page.getByText("No practice's sign-in is linked to your account")).toBeVisible();
    await ok.context.close();
    // Unlinked, the provider is back to asking for the account's proof.
    const again = await viaIdp("grey");
    await expect(again.page.getByRole("status")).toContainText(linkNotice);
    await again.context.close();

    const unverified = await viaIdp("unverified");
    await expect(unverified.page).toHaveURL(/\/login/);
    await expect(unverified.page.locator("main").getByRole("alert")).toContainText(
      "did not confirm that this email address is verified",
    );
    await unverified.page.screenshot({ path: testInfo.outputPath("sso-unverified.png"), fullPage: true });
    await unverified.context.close();

    // The takeover attempt: Northside's admin adds Lakeside's domain (it can never be proven from
    // here) and its IdP asserts Dr House. Refused; no session anywhere.
    await domains.getByLabel("Email domain").fill("lakeside.test");
    await domains.getByRole("button", { name: "Add domain" }).click();
    const foreign = domains.getByRole("listitem").filter({ hasText: "lakeside.test" });
    await foreign.getByRole("button", { name: "Check DNS" }).click();
    await expect(foreign.getByRole("alert")).toContainText("No TXT record was found");
    await expect(foreign).toContainText("Pending");
    const other = await viaIdp("house");
    await expect(other.page).toHaveURL(/\/login/);
    await expect(other.page.locator("main").getByRole("alert")).toContainText("not an active member of this practice");
    await signedOut(other.page);
    await other.context.close();
    await foreign.getByRole("button", { name: "Remove" }).click();
    await admin.page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
    // The dialog stays open, the page behind it inert, until the removal is done.
    await expect(domains.getByRole("status")).toContainText("lakeside.test removed");

    // A session opened by Northside's sign-in counts for Northside only: the locum (a member of both,
    // linked with their own password and code) switching to Lakeside is asked to sign in for Lakeside.
    dns.setTxt("_careroster-sso.careroster.test", [value]);
    await domains.getByLabel("Email domain").fill("careroster.test");
    await domains.getByRole("button", { name: "Add domain" }).click();
    await expect(domains.getByRole("status")).toContainText("careroster.test added");
    const shared = domains.getByRole("listitem").filter({ hasText: "careroster.test" });
    await shared.getByRole("button", { name: "Check DNS" }).click();
    await expect(shared).toContainText("Verified via DNS");
    const locum = await viaIdp("locum");
    await expect(locum.page.getByRole("status")).toContainText(linkNotice);
    await locum.page.getByLabel("Password", { exact: true }).fill("demo-password");
    await locum.page.getByRole("button", { name: "Sign in" }).click();
    await enterCode(locum.page, "locum@careroster.test");
    await expect(locum.page.getByRole("heading", { name: "Today", level: 1 })).toBeVisible();
    await locum.context.close();
    const stepUp = await viaIdp("locum");
    await expect(stepUp.page.getByRole("heading", { name: "Today", level: 1 })).toBeVisible();
    await stepUp.page.getByLabel("Practice").selectOption({ label: "Lakeside Pediatrics" });
    await expect(stepUp.page).toHaveURL(/\/login\?.*notice=step-up/);
    await expect(stepUp.page.getByRole("status")).toContainText("That practice needs its own sign-in");
    await expect(stepUp.page.getByLabel("Email")).toHaveValue("locum@careroster.test");
    await stepUp.page.screenshot({ path: testInfo.outputPath("step-up-1280.png"), fullPage: true });
    await stepUp.page.getByLabel("Password", { exact: true }).fill("demo-password");
    await stepUp.page.getByRole("button", { name: "Sign in" }).click();
    await enterCode(stepUp.page, "locum@careroster.test");
    await expect(stepUp.page.getByLabel("Practice").locator("option:checked")).toHaveText("Lakeside Pediatrics");
    await stepUp.context.close();
    await shared.getByRole("button", { name: "Remove" }).click();
    await admin.page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
    await expect(domains.getByRole("status")).toContainText("careroster.test removed");

    // The audit records the method.
    await admin.page.goto("/admin/audit");
    await sso.page().screenshot({ path: testInfo.outputPath("audit.png") });
    await admin.page.goto("/admin/settings");
    await row.getByRole("button", { name: "Remove" }).click();
    await admin.page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
    await expect(domains.getByRole("status")).toContainText("northside.test removed");
    await sso.getByRole("button", { name: "Remove single sign-on" }).click();
    await admin.page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
    await expect(sso.getByRole("status")).toContainText("Single sign-on removed");
    await admin.context.close();
  } finally {
    await idp.close();
    await dns.close();
  }
});
