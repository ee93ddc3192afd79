import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Whether the production build (.next) is missing or older than a source it is built from. */
export function needsBuild(root = process.cwd()): boolean {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  const sources = ["app", "server", "lib", "public"]
    .filter((d) => existsSync(path.join(root, d)))
    .map((d) => newestSource(path.join(root, d)));
  const configs = ["next.config.ts", "package-lock.json"].map((f) => statSync(path.join(root, f)).mtimeMs);
  return Math.max(...sources, ...configs) > built;
}
