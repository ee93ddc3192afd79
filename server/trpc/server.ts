import "server-only";
import { headers } from "next/headers";
import { cache } from "react";
import { createContext } from "./context";
import { createCaller } from "./routers/_app";

/** Server components call the same procedures, through the same context and transaction, as the browser. */
export const getCaller = cache(async () => createCaller(await createContext({ headers: await headers() })));

/** The signed-in member, asked once per request however many layouts and pages need it. */
export const currentMember = cache(async () => (await getCaller()).me.get());
