import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { ServerTiming, withServerTiming } from "@/server/http/server-timing";
import { RETRY_AFTER_SECONDS } from "@/server/db/errors";
import { createContext } from "@/server/trpc/context";
import { appRouter } from "@/server/trpc/routers/_app";

async function handler(req: Request) {
  const timer = ServerTiming.forRequest();
  let handlerDoneAt = 0;
  const res = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createContext({ headers: req.headers, timer }),
    responseMeta: ({ errors }) => {
      handlerDoneAt = performance.now();
      // A database outage (failover, read-only cluster) answers 503: tell clients when to retry.
      return errors.some((e) => e.code === "SERVICE_UNAVAILABLE")
        ? { headers: new Headers({ "retry-after": String(RETRY_AFTER_SECONDS) }) }
        : {};
    },
  });
  return timer ? withServerTiming(timer, () => handlerDoneAt, res) : res;
}

export { handler as GET, handler as POST };
