import path from "node:path";

/**
 * Where the e2e server (playwright.config.ts) writes its mail as .eml files: no SMTP server in the
 * tests. Against an app started elsewhere (E2E_BASE_URL), set E2E_MAIL_DIR to that app's
 * CAREROSTER_MAIL_DIR so the invitation and reset journeys can read their links.
 */
export const E2E_MAIL_DIR = path.resolve(process.env.E2E_MAIL_DIR ?? ".data/e2e/mail");
