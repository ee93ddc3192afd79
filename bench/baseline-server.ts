import postgres from "postgres";
import { baselineServer } from "./baseline";

// The baseline as its own process (bench/http.ts starts it), so that the bench measures its CPU and
// memory apart from the app's. BASELINE_DATABASE_URL: the owner's connection (passed in the
// environment, not on the command line); PORT: where to listen (loopback only).
const url = process.env.BASELINE_DATABASE_URL;
const port = Number(process.env.PORT);
if (!url || !port) {
  console.error("bench/baseline-server.ts needs BASELINE_DATABASE_URL and PORT (bench/http.ts sets them).");
  process.exit(2);
}
// The same pool size as the app's default (DATABASE_POOL_MAX), so neither side waits for connections the other has.
const sql = postgres(url, { max: 10, onnotice: () => {} });
const server = baselineServer(sql).listen(port, "127.0.0.1");
const stop = () => {
  server.close(() => void sql.end({ timeout: 1 }).then(() => process.exit(0)));
  server.closeAllConnections();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
