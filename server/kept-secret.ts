import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * A random secret generated once into `<dir>/<name>` (readable by this user only) and read back on
 * every later start, for the embedded defaults of values a real deployment sets itself.
 */
export async function keptSecret(dir: string, name: string, bytes = 32): Promise<string> {
  const file = path.join(dir, name);
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  await mkdir(dir, { recursive: true });
  const secret = randomBytes(bytes).toString("base64url");
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}
