"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { SessionProvider } from "next-auth/react";
import { useState, type ReactNode } from "react";
import superjson from "superjson";
import { OfflineBanner } from "@/app/_components/offline-banner";
import { RouteFocus } from "@/app/_components/route-focus";
import { SessionTimeout } from "@/app/_components/session-timeout";
import { TRPCProvider } from "@/lib/trpc/client";
import type { AppRouter } from "@/server/trpc/routers/_app";

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        // networkMode "always": offline, a save fails at once with a message instead of waiting
        // paused (and showing "Saving…") until the connection is back.
        defaultOptions: {
          queries: { staleTime: 10_000, retry: false, refetchOnWindowFocus: false, networkMode: "always" },
          mutations: { networkMode: "always" },
        },
      }),
  );
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: "/api/trpc", transformer: superjson })] }),
  );
  return (
    <SessionProvider refetchOnWindowFocus={false}>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          <OfflineBanner />
          {children}
          <SessionTimeout />
          <RouteFocus />
        </TRPCProvider>
      </QueryClientProvider>
    </SessionProvider>
  );
}
