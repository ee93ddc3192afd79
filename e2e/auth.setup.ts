import { test as setup, expect } from "@playwright/test";
import { fillSignIn } from "./totp";

// One signed-in browser state per demo user, saved for the journeys (signed in through the real form).
const users = ["grey@northside.test", "shepherd@northside.test", "locum@careroster.test", "admin@northside.test"];

for (const email of users) {
  setup(`sign in ${email}`, async ({ page }) => {
    await page.goto("/login");
    // Password, then the code computed from the demo TOTP secret (every demo account is enrolled).
    await fillSignIn(page, email);
    // Each role's landing page: an admin's overview, a clinician's day.
    await expect(page).toHaveURL(email.startsWith("admin@") ? /\/admin$/ : /\/today$/);
    await page
      .context()
      .storageState({ path: `.auth/${email.split("@")[0]}-${email.split("@")[1].split(".")[0]}.json` });
  });
}
