import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { RETRY_AFTER_SECONDS } from "@/server/db/errors";
import { createContext } from "./context";
import { appRouter } from "./routers/_app";
import { noStore, securityHeaders } from "@/server/http/security-headers";
import { ServerTiming } from "@/server/http/server-timing";

export const TRPC_BASE = "/api/trpc/";

const headersOf = (incoming: IncomingHttpHeaders) => {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
};

const trpc = createHTTPHandler({
  router: appRouter,
  basePath: TRPC_BASE,
  createContext: ({ req, res }) => {
    const timer = ServerTiming.forRequest();
    timer?.sendWith(res);
    return createContext({ headers: headersOf(req.headers), timer });
  },
  responseMeta: ({ ctx, errors }) => {
    ctx?.timer?.handlerDone();
    // A database outage (failover, read-only cluster) answers 503: tell clients when to retry.
    return errors.some((e) => e.code === "SERVICE_UNAVAILABLE")
      ? { headers: { "retry-after": String(RETRY_AFTER_SECONDS) } }
      : {};
  },
});

export const isTrpcRequest = (url: string | undefined) => url?.startsWith(TRPC_BASE) ?? false;

/**
 * The tRPC API on Node's own request and response, as scripts/serve.ts answers it: without a
 * Next.js route around it, which cost a request more CPU than the procedure itself (the router,
 * the header rules, the Web Request/Response copies; bench/README.md has the measurement).
 */
export function handleTrpc(req: IncomingMessage, res: ServerResponse) {
  for (const h of [...securityHeaders, noStore]) res.setHeader(h.key, h.value);
  trpc(req, res);
}
