import { expect, type Browser } from "@playwright/test";
import { linkOf, waitForMail } from "@/tests/helpers/mailbox";
import { E2E_MAIL_DIR } from "./mail";
import { as } from "./state";

/** Northside's admin invites `email` from the members page; returns the emailed link. */
export async function inviteFromMembersPage(browser: Browser, email: string, name: string) {
  const context = await browser.newContext({ storageState: as.northAdmin });
  const page = await context.newPage();
  await page.goto("/admin/members");
  const form = page.locator("section", { has: page.getByRole("heading", { name: "Invite a member" }) });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Full name").fill(name);
  await form.getByLabel("Role").selectOption("clinician");
  const since = Date.now() - 5;
  await form.getByRole("button", { name: "Send invitation" }).click();
  await expect(form.getByRole("status")).toHaveText(`Invitation sent to ${email}.`);
  const link = linkOf(await waitForMail(E2E_MAIL_DIR, email, since));
  await expect(page.getByRole("table", { name: "Pending invitations" })).toContainText(email);
  // The admin is never shown a credential: no token, link or password anywhere on the page.
  expect(await page.content()).not.toContain(link.token);
  return { link, admin: { context, page } };
}

/** A new account (with `password`) from an invitation of Northside's admin; leaves its browser on the sign-in page. */
export async function newInvitedAccount(browser: Browser, email: string, name: string, password: string) {
  const { link, admin } = await inviteFromMembersPage(browser, email, name);
  await admin.context.close();
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link.path);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account and join" }).click();
  await expect(page).toHaveURL(/\/login\?notice=account-ready/);
  return { context, page };
}
