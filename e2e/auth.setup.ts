import { test as setup, expect } from "@playwright/test";

// One signed-in browser state per demo user, saved for the journeys (signed in through the real form).
const users = ["grey@northside.test", "shepherd@northside.test", "locum@careroster.test", "admin@northside.test"];

for (const email of users) {
  setup(`sign in ${email}`, async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("demo-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("patients");
    await page.context().storageState({ path: `.auth/${email.split("@")[0]}-${email.split("@")[1].split(".")[0]}.json` });
  });
}
