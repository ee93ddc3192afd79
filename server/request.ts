import type { Tx } from "@/server/db/client";

/** What domain code gets of a request: its transaction, who is asking, and where. */
export interface RequestCtx {
  tx: Tx;
  userId: string;
  orgId: string | null;
  requestId: string;
  /** Runs after COMMIT (mail): never for a rolled-back request. */
  afterCommit: (effect: () => Promise<unknown>) => void;
}

/** A request in a practice (memberProcedure, adminProcedure). */
export type MemberCtx = RequestCtx & { orgId: string };
