"use client";

import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { AppRouter } from "@/server/trpc/routers/_app";

/** `const trpc = useTRPC(); useQuery(trpc.patients.list.queryOptions(input))` */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();
