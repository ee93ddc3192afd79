import path from "node:path";
import { startCluster } from "@/server/db/embedded";
const c = await startCluster(path.join(process.cwd(), ".data", "large", "pg"), { persistent: true });
console.log(c.ownerUrl("careroster_large"));
console.log(c.runtimeUrl("careroster_large"));
process.on("SIGTERM", async () => { await c.stop(); process.exit(0); });
setInterval(() => {}, 1e9);
