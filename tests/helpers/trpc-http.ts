import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { handleTrpc } from "@/server/trpc/node-handler";

// The API exactly as scripts/serve.ts answers it (server/trpc/node-handler.ts), on a loopback port of
// the test file's own: a Web Request in, the Response out.

let base: Promise<string> | undefined;

function listening(): Promise<string> {
  base ??= new Promise((resolve) => {
    const server = createServer(handleTrpc);
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
    server.unref();
  });
  return base;
}

export async function trpcFetch(req: Request): Promise<Response> {
  const url = new URL(req.url);
  return fetch(`${await listening()}${url.pathname}${url.search}`, {
    method: req.method,
    headers: req.headers,
    body: req.method === "GET" || req.method === "HEAD" ? undefined : await req.arrayBuffer(),
  });
}

export { trpcFetch as GET, trpcFetch as POST };
