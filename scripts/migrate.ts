import { prepareDatabase } from "@/server/db/bootstrap";
import { runCli } from "./cli";

// `npm run db:migrate`: migrate (idempotent), create the runtime role if missing, seed the demo
// practice into an empty database, then stop the embedded server if this command started it.
await runCli(async () => {
  const db = await prepareDatabase();
  console.log(`Migrations applied${db.seeded ? "; demo practice seeded" : ""}.`);
  await db.stop();
});
