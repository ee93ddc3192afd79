import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { env } from "@/server/env";

/**
 * `MFA_ENCRYPTION_KEY` for the embedded default: generated once into `<dataDir>/mfa-key` (0600),
 * exactly like the auth secret, and put into process.env (the seed and the app read it there).
 * A key given in the environment always wins; real deployments must set one and keep it.
 */
export async function ensureMfaKey(dataDir: string): Promise<string> {
  // Checked by the env schema: a bad key is one sentence naming the variable.
  const given = env().MFA_ENCRYPTION_KEY;
  if (given) return given;
  const file = path.join(dataDir, "mfa-key");
  let key: string;
  if (existsSync(file)) key = (await readFile(file, "utf8")).trim();
  else {
    await mkdir(dataDir, { recursive: true });
    key = randomBytes(32).toString("base64url");
    await writeFile(file, key, { mode: 0o600 });
  }
  process.env.MFA_ENCRYPTION_KEY = key;
  return key;
}
