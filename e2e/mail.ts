import path from "node:path";

/** Where the e2e server (playwright.config.ts) writes its mail as .eml files: no SMTP server in the tests. */
export const E2E_MAIL_DIR = path.resolve(".data/e2e/mail");
