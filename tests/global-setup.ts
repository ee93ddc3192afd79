import { rm } from "node:fs/promises";
import path from "node:path";
import { prepareDatabase } from "@/server/db/bootstrap";

/**
 * A fresh `careroster_test` database for every run: on the embedded PostgreSQL under
 * .data/test-pg, or on the server named by DATABASE_URL + DATABASE_OWNER_URL.
 * Migrated and seeded exactly as `npm start` does it.
 */
export default async function setup() {
  // Before the seed (demo TOTP secrets are stored encrypted with it).
  process.env.MFA_ENCRYPTION_KEY ??= "dGVzdC1rZXktZm9yLXRoZS12aXRlc3QtcnVuLW9ubHk";
  process.env.NEXTAUTH_SECRET ??= "test-secret-for-the-vitest-run-only-0123456789";
  // The mutation runner (scripts/mutants) hands over a migrated, seeded copy with one mutant applied:
  // migrating it here again could repair the mutant.
  if (process.env.CAREROSTER_TEST_DATABASE_READY) {
    process.env.CAREROSTER_MAIL_DIR ??= path.join(process.cwd(), ".data", "test-mail");
    return;
  }
  const db = await prepareDatabase({
    database: "careroster_test",
    recreate: true,
    dataDir: path.join(process.cwd(), ".data", "test-pg"),
  });
  process.env.DATABASE_URL = db.runtimeUrl;
  process.env.DATABASE_AUTH_URL = db.authUrl;
  process.env.DATABASE_OWNER_URL = db.ownerUrl;
  // Invitation and reset mails of this run, as .eml files (server/mail without SMTP_URL).
  process.env.CAREROSTER_MAIL_DIR = path.join(process.cwd(), ".data", "test-mail");
  await rm(process.env.CAREROSTER_MAIL_DIR, { recursive: true, force: true });
  return () => db.stop();
}
