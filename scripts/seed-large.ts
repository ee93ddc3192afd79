import path from "node:path";
import { parseArgs } from "node:util";
import { prepareDatabase } from "@/server/db/bootstrap";
import { seedLarge } from "@/server/db/seed/large";
import { runCli } from "./cli";

// `npm run db:seed:large -- --patients 1000000 --orgs 100 --clinicians 2000 [--database careroster_large]`
// Into its own (re-created) database on the embedded server under .data/large, or DATABASE_URL's server.
const { values } = parseArgs({
  options: {
    patients: { type: "string", default: "1000000" },
    orgs: { type: "string", default: "100" },
    clinicians: { type: "string", default: "2000" },
    database: { type: "string", default: "careroster_large" },
  },
});
const num = (name: keyof typeof values) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`careroster: --${name} must be a positive whole number.`);
    process.exit(1);
  }
  return n;
};
const opts = { patients: num("patients"), orgs: num("orgs"), clinicians: num("clinicians") };

await runCli(async () => {
  const t0 = performance.now();
  console.log(
    `Seeding ${opts.patients.toLocaleString("en")} patients in ${opts.orgs} practices with ${opts.clinicians} clinicians into ${values.database}…`,
  );
  process.env.CAREROSTER_SKIP_DEMO = "1";
  const db = await prepareDatabase({
    database: values.database,
    recreate: true,
    dataDir: path.join(process.cwd(), ".data", "large", "pg"),
  });
  try {
    await seedLarge(db.ownerUrl, opts);
  } finally {
    await db.stop();
  }
  console.log(`Done in ${((performance.now() - t0) / 1000).toFixed(0)} s.`);
});
