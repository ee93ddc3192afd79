import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { ServerTiming, withServerTiming } from "@/server/http/server-timing";
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
    responseMeta: () => {
      handlerDoneAt = performance.now();
      return {};
    },
  });
  return timer ? withServerTiming(timer, () => handlerDoneAt, res) : res;
}

export { handler as GET, handler as POST };
