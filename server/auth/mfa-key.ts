import { env } from "@/server/env";
import { keptSecret } from "@/server/kept-secret";

/**
 * `MFA_ENCRYPTION_KEY` for the embedded default: generated once into `<dataDir>/mfa-key` (0600),
 * exactly like the auth secret, and put into process.env (the seed and the app read it there).
 * A key given in the environment always wins; real deployments must set one and keep it.
 */
export async function ensureMfaKey(dataDir: string): Promise<string> {
  // Checked by the env schema: a bad key is one sentence naming the variable.
  const given = env().MFA_ENCRYPTION_KEY;
  if (given) return given;
  const key = await keptSecret(dataDir, "mfa-key");
  process.env.MFA_ENCRYPTION_KEY = key;
  return key;
}
