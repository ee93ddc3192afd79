import { randomUUID } from "node:crypto";
import { readSession, type SessionIdentity } from "../auth/session";
import { getDb, type Db } from "../db/client";

export interface Context {
  session: SessionIdentity | null;
  requestId: string;
  db: Db;
  /** The client's address, for throttling pre-sign-in requests (forgot password). */
  clientAddress?: string;
}

/** Per request: who is calling (from the session cookie) and a request id. No database access yet. */
export async function createContext({ headers }: { headers: Headers }): Promise<Context> {
  return {
    session: await readSession(headers),
    requestId: headers.get("x-request-id") ?? randomUUID(),
    db: getDb(),
    // Same rule as sign-in's throttle (server/auth/options.ts); TRUST_PROXY handling replaces both.
    clientAddress: (headers.get("x-forwarded-for") ?? headers.get("x-real-ip") ?? "unknown").split(",")[0].trim(),
  };
}
