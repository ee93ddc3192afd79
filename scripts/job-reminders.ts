import { createDb } from "@/server/db/client";
import { prepareDatabase } from "@/server/db/bootstrap";
import { runReminders } from "@/server/jobs/reminders";
import { runCli } from "./cli";

// `npm run job:reminders`: tomorrow's reminders for every practice, one transaction each.
// Prints counts per practice id only (no patient data); exits 1 if any practice failed.
await runCli(async () => {
  const prepared = await prepareDatabase();
  const db = createDb(prepared.authUrl, { max: 1, applicationName: "careroster-job-reminders" });
  try {
    const results = await runReminders(db);
    for (const r of results)
      console.log(r.ok ? `✓ ${r.orgId}: ${r.reminders} reminder(s) recorded` : `✗ ${r.orgId}: failed (${r.error})`);
    console.log(`${results.filter((r) => r.ok).length} of ${results.length} practices done.`);
    return results.every((r) => r.ok) ? 0 : 1;
  } finally {
    await db.$client.end();
    await prepared.stop();
  }
});
