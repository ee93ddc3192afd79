import { rmSync } from "node:fs";
import { step } from "@/ha/cluster";
import { down } from "@/ha/down";
import { DIRS } from "@/ha/topology";

// `npm run ha:down [-- --purge]`: stops the HA topology; --purge also deletes its data.
await down();
if (process.argv.includes("--purge")) {
  rmSync(DIRS.root, { recursive: true, force: true });
  step(`removed ${DIRS.root}`);
}
