import { ConfigError } from "../server/db/config";

/** Runs a command; configuration mistakes end it with their one sentence, not a stack trace. */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`careroster: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}
