import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { ensureMfaKey } from "@/server/auth/mfa-key";
import { prepareDatabase } from "@/server/db/bootstrap";
import { keptSecret } from "@/server/kept-secret";
import { demoUsers, DEMO_PASSWORD, DEMO_TOTP_SECRET } from "@/server/db/seed/demo-data";
import { needsBuild } from "./build-state";
import { envOrExit, runCli } from "./cli";

// `npm start`: embedded PostgreSQL (or DATABASE_URL), migrations, demo seed, production build
// when the sources changed, then the app on $PORT (scripts/serve.ts: `next start` plus the client's socket address). `--dev` serves `next dev` instead.
// CAREROSTER_DATA_DIR / CAREROSTER_DATABASE / CAREROSTER_FRESH_DB let the e2e suite run its own copy.

const config = envOrExit();
const root = process.cwd();
const dev = process.argv.includes("--dev");
const port = config.PORT;
const dataDir = path.resolve(config.CAREROSTER_DATA_DIR ?? path.join(root, ".data"));

async function authSecret(): Promise<string> {
  const given = config.AUTH_SECRET ?? config.NEXTAUTH_SECRET;
  return given ?? keptSecret(dataDir, "auth-secret");
}

await runCli(async () => {
  // Before the seed: the demo accounts' TOTP secrets are stored encrypted with it.
  const mfaKey = await ensureMfaKey(dataDir);
  console.log("Preparing the database…");
  const db = await prepareDatabase({
    dataDir: path.join(dataDir, "pg"),
    database: config.CAREROSTER_DATABASE,
    recreate: config.CAREROSTER_FRESH_DB,
  });
  if (db.seeded) console.log("Seeded the demo practice.");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: db.runtimeUrl,
    DATABASE_AUTH_URL: db.authUrl,
    NEXTAUTH_SECRET: await authSecret(),
    MFA_ENCRYPTION_KEY: mfaKey,
    NEXTAUTH_URL: config.AUTH_URL ?? config.NEXTAUTH_URL ?? `http://localhost:${port}`,
    PORT: String(port),
    NEXT_TELEMETRY_DISABLED: "1",
  };
  delete env.DATABASE_OWNER_URL; // the web app never holds the owner's credentials

  if (!dev && needsBuild(root)) {
    console.log("Building the app (next build)…");
    const build = spawnSync("npx", ["next", "build"], { stdio: "inherit", env });
    if (build.status !== 0) {
      await db.stop();
      process.exit(build.status ?? 1);
    }
  }

  // scripts/serve.ts: Next.js in a custom server that knows each request's socket address (sign-in
  // throttling) and answers the API itself. Node itself (tsx as a loader), not npx: stopping this
  // process must stop the server with it. In --dev, Node's watch mode restarts it when the API's
  // code changes (Next.js reloads the pages on its own).
  const args = ["--import", "tsx", ...(dev ? ["--watch"] : []), "scripts/serve.ts", ...(dev ? ["--dev"] : [])];
  const server = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...env, NODE_ENV: dev ? "development" : "production" },
  });
  let announced = false;
  server.stdout.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (!announced && /ready|started server|Local:/i.test(chunk.toString())) {
      announced = true;
      console.log(`\nCareRoster is running at ${env.NEXTAUTH_URL}`);
      if (!config.CAREROSTER_SKIP_DEMO) {
        console.log(
          `Demo sign-in (password "${DEMO_PASSWORD}"): ${Object.values(demoUsers)
            .map((u) => u.email)
            .join(", ")}`,
        );
        console.log(`Demo two-factor secret (TOTP, 30 s, 6 digits) for every demo account: ${DEMO_TOTP_SECRET}`);
      }
      console.log("");
    }
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    server.kill("SIGTERM");
    await db.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  server.on("exit", (code) => void stop(code ?? 0));
});
