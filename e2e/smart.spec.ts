import { expect, test } from "@playwright/test";
import { noSeriousViolations } from "./axe";
import { startSmartApp } from "./smart-app";
import { as } from "./state";
import { fillSignIn } from "./totp";

// SMART App Launch v2, standalone, with the SMART JavaScript client (fhirclient) in Chromium: an
// admin registers the app, a clinician signs in through the app (password and code), sees the
// consent screen name the app and each scope, picks a patient and allows; the app then reads that
// patient through the FHIR API with its bearer token. A redirect URI nobody registered gets a page
// of ours, never a redirect.

const SCOPE = "openid fhirUser launch/patient patient/*.read offline_access";

test("@smart a standalone launch with fhirclient: register, sign in through the app, consent, read the patient", async ({
  browser,
  baseURL,
}, testInfo) => {
  const smartApp = await startSmartApp(`${baseURL}/fhir`, SCOPE);
  const redirectUri = `${smartApp.origin}/app.html`;
  try {
    // The admin registers a public app.
    const admin = await browser.newContext({ storageState: as.northAdmin, viewport: { width: 1280, height: 800 } });
    const adminPage = await admin.newPage();
    await adminPage.goto("/admin/apps");
    await expect(adminPage.getByRole("heading", { name: "Apps", level: 1 })).toBeVisible();
    await adminPage.getByLabel("Name members will see").fill("Growth chart (test)");
    await adminPage.getByLabel("Redirect URIs").fill(redirectUri);
    for (const scope of ["openid", "fhirUser", "launch/patient", "patient/*.rs", "offline_access"]) {
      await adminPage.locator(`input[name="scopes"][value="${scope}"]`).check();
    }
    await adminPage.getByRole("button", { name: "Register app" }).click();
    const credentials = adminPage.getByTestId("app-credentials");
    await expect(credentials).toBeVisible();
    const clientId = (await credentials.locator("code").first().textContent())!.trim();
    expect(clientId).toMatch(/^cr-/);
    await expect(adminPage.getByRole("heading", { name: /Growth chart \(test\)/, level: 3 })).toBeVisible();
    await noSeriousViolations(adminPage);
    await adminPage.screenshot({ path: testInfo.outputPath("apps-1280.png"), fullPage: true });
    await adminPage.setViewportSize({ width: 390, height: 844 });
    await adminPage.screenshot({ path: testInfo.outputPath("apps-390.png"), fullPage: true });
    expect(await adminPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await admin.close();

    // The clinician, in a browser with no CareRoster session, opens the app.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${smartApp.origin}/launch.html?client_id=${encodeURIComponent(clientId)}`);
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fsmart%2Fauthorize/);
    await fillSignIn(page, "grey@northside.test");

    await expect(page.getByRole("heading", { name: "Allow Growth chart (test)?" })).toBeVisible();
    const scopes = page.getByTestId("consent-scopes");
    await expect(scopes).toContainText("Read the chosen patient's record (demographics");
    await expect(scopes).toContainText("Stay connected between uses");
    await expect(page.getByText("Northside Family Clinic").first()).toBeVisible();
    await page.getByLabel("Find a patient you care for").fill("Applegate");
    await page.getByRole("radio", { name: /Applegate, Ada/ }).check();
    await noSeriousViolations(page);
    await page.screenshot({ path: testInfo.outputPath("consent-1280.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: testInfo.outputPath("consent-390.png"), fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.getByRole("button", { name: "Allow" }).click();

    await expect(page).toHaveURL(new RegExp(`^${smartApp.origin}/app\\.html`));
    await expect(page.locator("#status")).toContainText("Patient: Ada Applegate", { timeout: 20_000 });
    await expect(page.locator("#status")).toContainText("user: Practitioner/");
    await expect(page.locator("#status")).toContainText("refresh token: yes");
    await expect(page.locator("#status")).toHaveText(/appointments: \d+/);

    // The clinician's own account page lists the app's access, which they can end there.
    const own = await browser.newContext({ storageState: as.grey });
    const account = await own.newPage();
    await account.goto("/account");
    await expect(account.locator("strong", { hasText: "SMART app: Growth chart (test)" })).toBeVisible();
    await own.close();
    await context.close();

    // A redirect URI nobody registered: our own page, and the browser stays here.
    const strangerContext = await browser.newContext();
    const stranger = await strangerContext.newPage();
    await stranger.goto(
      `/smart/authorize?response_type=code&client_id=${encodeURIComponent(clientId)}&redirect_uri=${encodeURIComponent("https://evil.example/cb")}&scope=openid&state=x&code_challenge=${"a".repeat(43)}&code_challenge_method=S256`,
    );
    await expect(stranger.getByRole("heading", { name: "This app cannot continue" })).toBeVisible();
    await expect(stranger.getByText(/not one Growth chart \(test\) registered/)).toBeVisible();
    expect(new URL(stranger.url()).pathname).toBe("/smart/authorize");
    await noSeriousViolations(stranger);
    await strangerContext.close();
  } finally {
    await smartApp.close();
  }
});
