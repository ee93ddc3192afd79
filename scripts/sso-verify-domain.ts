import { parseArgs } from "node:util";
import { ssoDomain } from "@/lib/schemas/sso-domains";
import { prepareDatabase } from "@/server/db/bootstrap";
import { ConfigError, parseDatabaseUrl } from "@/server/db/config";
import { findPgError } from "@/server/db/errors";
import { ownerConnection } from "@/server/db/owner";
import { SSO_DOMAIN_REFUSALS } from "@/server/sso/refusals";
import { envOrExit, runCli } from "./cli";

// `npm run sso:verify-domain -- --practice <slug> --domain <domain>`: the operator vouches that the
// practice controls the domain (verified_by 'operator', never re-checked by DNS) — for deployments
// that verify out of band. Through app_sso_domain_mark on the owner connection, so the database still
// refuses a public mail domain and a domain another practice holds verified. One line; exit 1 on refusal.
// DATABASE_OWNER_URL when set (an already migrated database); otherwise the embedded database `npm start` uses.

const USAGE = "Usage: npm run sso:verify-domain -- --practice <slug> --domain <domain>";

async function ownerDatabase(): Promise<{ url: string; stop: () => Promise<void> }> {
  const given = envOrExit().DATABASE_OWNER_URL;
  if (given) {
    parseDatabaseUrl(given, "DATABASE_OWNER_URL");
    return { url: given, stop: async () => {} };
  }
  const prepared = await prepareDatabase();
  return { url: prepared.ownerUrl, stop: prepared.stop };
}

await runCli(async () => {
  let args: { practice?: string; domain?: string };
  try {
    args = parseArgs({ options: { practice: { type: "string" }, domain: { type: "string" } } }).values;
  } catch {
    console.error(USAGE);
    return 2;
  }
  if (!args.practice || !args.domain) {
    console.error(USAGE);
    return 2;
  }
  const domain = ssoDomain.safeParse(args.domain);
  if (!domain.success) {
    console.error(`✗ ${args.domain}: ${domain.error.issues[0].message}`);
    return 1;
  }
  const db = await ownerDatabase();
  const sql = ownerConnection(db.url);
  try {
    const [org] = await sql`select id, name from organizations where slug = ${args.practice}`.catch((err: unknown) => {
      if (findPgError(err)) throw err;
      throw new ConfigError(`Cannot reach the database (DATABASE_OWNER_URL): ${(err as Error).message}.`);
    });
    if (!org) {
      console.error(`✗ No practice has the slug "${args.practice}".`);
      return 1;
    }
    await sql`select public.app_sso_domain_mark(${org.id}::uuid, ${domain.data}, 'operator')`;
    console.log(`✓ ${domain.data} is verified by the operator for ${org.name} (${args.practice}).`);
    return 0;
  } catch (err) {
    const code = findPgError(err)?.code;
    if (code && code in SSO_DOMAIN_REFUSALS) {
      console.error(`✗ ${domain.data}: ${SSO_DOMAIN_REFUSALS[code as keyof typeof SSO_DOMAIN_REFUSALS]}`);
      return 1;
    }
    throw err;
  } finally {
    await sql.end();
    await db.stop();
  }
});
