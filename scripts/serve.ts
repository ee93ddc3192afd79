import { createServer } from "node:http";
import next from "next";
import { handleTrpc, isTrpcRequest } from "@/server/trpc/node-handler";
import { CLIENT_ADDRESS_HEADER, resolveClientAddress, SERVER_MARK } from "@/server/http/client-address";
import { envOrExit } from "./cli";

// The HTTP server `npm start` runs the app in (a Next.js custom server, same process), for two
// reasons. Route handlers cannot see the socket, and `next start` keeps a client's own
// X-Forwarded-For, so only here can the client's address be known: every request gets
// CLIENT_ADDRESS_HEADER overwritten with the address resolved from the socket (and, with
// TRUST_PROXY=n, from the n trusted hops of X-Forwarded-For); the app trusts that header only
// when SERVER_MARK says it runs inside this server. And the tRPC API is answered here, on Node's
// own request and response (server/trpc/node-handler.ts), at a fraction of a Next.js route's cost.

const dev = process.argv.includes("--dev");
const { PORT: port, TRUST_PROXY: hops } = envOrExit();

(globalThis as Record<symbol, unknown>)[SERVER_MARK] = true;
const app = next({ dev, port, hostname: "localhost", dir: process.cwd() });
const handle = app.getRequestHandler();
await app.prepare();

createServer((req, res) => {
  req.headers[CLIENT_ADDRESS_HEADER] = resolveClientAddress(
    req.socket.remoteAddress,
    req.headers["x-forwarded-for"],
    hops,
  );
  if (isTrpcRequest(req.url)) handleTrpc(req, res);
  else void handle(req, res);
}).listen(port, () => {
  console.log(
    `✓ Ready on port ${port}${hops ? ` (trusting ${hops} proxy hop${hops > 1 ? "s" : ""} of X-Forwarded-For)` : ""}`,
  );
});
