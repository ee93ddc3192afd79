import { randomUUID } from "node:crypto";
import { readSession, type SessionIdentity } from "@/server/auth/session";
import { getDb, type Db } from "@/server/db/client";
import { clientAddress } from "@/server/http/client-address";
import type { ServerTiming } from "@/server/http/server-timing";

export interface Context {
  session: SessionIdentity | null;
  /** Generated here for every request; a client's `x-request-id` is never read (it would land in the audit trail). */
  requestId: string;
  db: Db;
  /** The client's address as the server saw it (server/http/client-address.ts), or null when unknown. */
  clientAddress: string | null;
  /** Per-stage timings when CAREROSTER_SERVER_TIMING=1 (server/http/server-timing.ts), else null. */
  timer?: ServerTiming | null;
}

/** Per request: who is calling (from the session cookie) and a request id. No database access yet. */
export async function createContext({
  headers,
  timer = null,
}: {
  headers: Headers;
  timer?: ServerTiming | null;
}): Promise<Context> {
  const t0 = performance.now();
  const session = await readSession(headers);
  timer?.stage("session", t0);
  return {
    session,
    requestId: randomUUID(),
    db: getDb(),
    clientAddress: clientAddress(headers),
    timer,
  };
}
