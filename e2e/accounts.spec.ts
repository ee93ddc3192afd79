import { expect, test, type Page } from "@playwright/test";
import { linkOf, waitForMail } from "@/tests/helpers/mailbox";
import { inviteFromMembersPage, newInvitedAccount } from "./invite";
import { E2E_MAIL_DIR } from "./mail";
import { fillSignIn } from "./totp";

// Invitations and forgot-password through the real UI, following the links in the .eml files
// the e2e server writes (no SMTP server, no mock). The e2e database is fresh each run; the mail
// folder is not, so every read takes only messages written since the step began.

const STRONG = "Plum orchard ledger 1987";

async function signIn(page: Page, email: string, password: string) {
  await fillSignIn(page, email, password);
}

test(
  "an admin invites a new clinician, who follows the emailed link, sets a password, signs in and lands in the practice",
  { tag: "@admin" },
  async ({ browser }, testInfo) => {
    const email = "dr.newcomer@northside.test";
    const { link, admin } = await inviteFromMembersPage(browser, email, "Dr. Nia Newcomer");
    await admin.page.screenshot({ path: testInfo.outputPath("members-1280.png"), fullPage: true });

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(link.path);
    await expect(page.getByRole("heading", { name: "Join Northside Family Clinic" })).toBeVisible();
    await expect(page.getByLabel("Your name")).toHaveValue("Dr. Nia Newcomer");
    // The strength estimate speaks while typing, and the server's answer shows at the field.
    await page.getByLabel("Password").fill("password12345");
    await expect(page.getByTestId("password-strength")).toHaveText("Weak");
    await expect(page.locator(".strength")).toContainText("similar to a commonly used password");
    await page.getByRole("button", { name: "Create account and join" }).click();
    await expect(page.locator("#field-password-error")).toContainText("commonly used password");
    await page.screenshot({ path: testInfo.outputPath("invite-1280.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: testInfo.outputPath("invite-390.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByLabel("Password").fill(STRONG);
    await expect(page.getByTestId("password-strength")).toHaveText("Very strong");
    await page.getByRole("button", { name: "Create account and join" }).click();
    await expect(page).toHaveURL(/\/login\?notice=account-ready/);
    await expect(page.getByRole("status")).toHaveText(
      "Your account is ready. Sign in with your email and new password.",
    );
    await expect(page.getByLabel("Email")).toHaveValue(email);
    await signIn(page, email, STRONG);
    await expect(page.getByRole("heading", { name: "Today", level: 1 })).toBeVisible();
    await expect(page.locator(".topbar")).toContainText("Northside Family Clinic");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Patients" }).click();
    await expect(page.getByText("No patients to show yet.")).toBeVisible();

    // The link was single use.
    await page.goto(link.path);
    await expect(page.getByRole("heading", { name: "This invitation link does not work" })).toBeVisible();

    await admin.page.reload();
    await expect(admin.page.getByRole("table", { name: "Members" })).toContainText("Dr. Nia Newcomer");
    await expect(admin.page.getByRole("table", { name: "Pending invitations" })).toHaveCount(0);
    await admin.context.close();
    await context.close();
  },
);

test(
  "an admin of another practice invites an existing account, which sees the invitation after sign-in and accepts it",
  { tag: "@admin" },
  async ({ browser }, testInfo) => {
    const { link, admin } = await inviteFromMembersPage(browser, "house@lakeside.test", "Dr. Gregory House");
    await admin.context.close();

    const context = await browser.newContext();
    const page = await context.newPage();
    // Following the link first asks them to sign in as that email.
    await page.goto(link.path);
    await expect(page.getByText("An account already uses this email. Sign in to accept the invitation.")).toBeVisible();
    await page.goto("/login");
    await signIn(page, "house@lakeside.test", "demo-password");
    await expect(page.getByRole("heading", { name: "Today", level: 1 })).toBeVisible();
    await expect(page.locator(".topbar")).toContainText("Lakeside Pediatrics");
    const banner = page.getByRole("region", { name: "Invitations for you" });
    await expect(banner).toContainText("Northside Family Clinic invites you to join as clinician.");
    await page.screenshot({ path: testInfo.outputPath("banner-1280.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: testInfo.outputPath("banner-390.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await banner.getByRole("button", { name: "Accept invitation to Northside Family Clinic" }).click();
    await expect(page.getByLabel("Practice")).toHaveValue(/.+/);
    await expect(page.getByLabel("Practice").locator("option:checked")).toHaveText("Northside Family Clinic");
    await expect(page.getByRole("region", { name: "Invitations for you" })).toHaveCount(0);
    await page.goto(link.path);
    await expect(page.getByRole("heading", { name: "This invitation link does not work" })).toBeVisible();
    await context.close();
  },
);

test(
  "an account holder accepts another practice's invitation from the emailed link, signing in on the way",
  { tag: "@clinician" },
  async ({ browser }, testInfo) => {
    const email = "dr.twopractice@northside.test";
    const { context, page } = await newInvitedAccount(browser, email, "Dr. Tam Twopractice", STRONG);

    // Lakeside's admin invites the same email (signed in through the form: no saved state for them).
    const lake = await browser.newPage();
    await lake.goto("/login");
    await signIn(lake, "admin@lakeside.test", "demo-password");
    await expect(lake.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
    await lake.goto("/admin/members");
    const since = Date.now() - 5;
    await lake.getByLabel("Email").fill(email);
    await lake.getByLabel("Full name").fill("Dr. Tam Twopractice");
    await lake.getByRole("button", { name: "Send invitation" }).click();
    await expect(lake.getByRole("status")).toHaveText(`Invitation sent to ${email}.`);
    await lake.close();
    const link = linkOf(await waitForMail(E2E_MAIL_DIR, email, since));

    await page.goto(link.path);
    await expect(page.getByRole("heading", { name: "Join Lakeside Pediatrics" })).toBeVisible();
    await page.getByRole("link", { name: "Sign in to accept" }).click();
    await expect(page.getByLabel("Email")).toHaveValue(email);
    await page.getByLabel("Password", { exact: true }).fill(STRONG);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(new RegExp(`/invite/${link.token}$`));
    await page.screenshot({ path: testInfo.outputPath("invite-existing-1280.png"), fullPage: true });
    await page.getByRole("button", { name: "Accept and join Lakeside Pediatrics" }).click();
    await expect(page).toHaveURL(/\/patients$/);
    await expect(page.getByLabel("Practice").locator("option:checked")).toHaveText("Lakeside Pediatrics");
    await expect(page.getByRole("heading", { name: "My patients" })).toBeVisible();
    await context.close();
  },
);

test(
  "forgot password: the emailed link sets a new password once, and the same answer is given for an unknown email",
  { tag: "@security" },
  async ({ browser }, testInfo) => {
    const email = "dr.forgetful@northside.test";
    const { context, page } = await newInvitedAccount(browser, email, "Dr. Fay Forgetful", STRONG);

    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await expect(page.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
    await page.getByLabel("Email").fill("nobody-at-all@northside.test");
    await page.getByRole("button", { name: "Send reset link" }).click();
    const answer = page.getByRole("status");
    await expect(answer).toContainText("If an account uses that email");
    const unknownAnswer = await answer.textContent();
    await page.screenshot({ path: testInfo.outputPath("forgot-1280.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: testInfo.outputPath("forgot-390.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });

    const since = Date.now() - 5;
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect(answer).toHaveText(unknownAnswer!);
    const reset = linkOf(await waitForMail(E2E_MAIL_DIR, email, since));
    await page.goto(reset.path);
    await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
    await expect(page.getByText(`For ${email}.`)).toBeVisible();
    await page.getByLabel("New password").fill("forgetful12345");
    await page.getByRole("button", { name: "Set new password" }).click();
    await expect(page.locator("#field-password-error")).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath("reset-1280.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: testInfo.outputPath("reset-390.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    const next = "Violet harbour lantern 2044";
    await page.getByLabel("New password").fill(next);
    await page.getByRole("button", { name: "Set new password" }).click();
    await expect(page.getByRole("status")).toHaveText("Your password was changed. Sign in with the new one.");
    await signIn(page, email, STRONG);
    await expect(page.locator("form").getByRole("alert")).toHaveText(
      "That email and password do not match an account.",
    );
    await signIn(page, email, next);
    await expect(page.getByRole("heading", { name: "Today", level: 1 })).toBeVisible();
    await page.goto(reset.path);
    await expect(page.getByRole("heading", { name: "This reset link does not work" })).toBeVisible();
    await context.close();
  },
);

test(
  "the account page changes the password with strength feedback",
  { tag: "@security" },
  async ({ browser }, testInfo) => {
    const email = "dr.changer@northside.test";
    const { context, page } = await newInvitedAccount(browser, email, "Dr. Cy Changer", STRONG);
    await signIn(page, email, STRONG);
    await page.getByRole("link", { name: "Dr. Cy Changer" }).click();
    await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
    await page.getByLabel("Current password").fill(STRONG);
    await page.getByLabel("New password").fill("changer12345");
    await expect(page.getByTestId("password-strength")).not.toHaveText("Very strong");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.locator("#field-newPassword-error")).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath("account-1280.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: testInfo.outputPath("account-390.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByLabel("New password").fill("Copper meadow kettle 3141");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByRole("status")).toHaveText("Your password was changed.");
    await context.close();
  },
);
