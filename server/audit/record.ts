import type { Tx } from "@/server/db/client";
import { writeBeforeCommit } from "@/server/db/context";
import { auditEvents } from "@/server/db/schema";
import type { AuditAction } from "./actions";

export interface AuditContext {
  tx: Tx;
  userId: string;
  orgId: string | null;
  requestId: string;
}

export interface AuditEvent {
  action: AuditAction;
  entity: string;
  entityId?: string | null;
  patientId?: string | null;
  /** Ids and field names only: never patient data values. */
  detail?: Record<string, unknown>;
}

/**
 * Writes audit rows in the request's own transaction: no access without its record, no record of a
 * rolled-back write. Sent without waiting: COMMIT follows in the same round trip and fails with it.
 */
export async function audit(ctx: AuditContext, ...events: AuditEvent[]): Promise<void> {
  const { orgId } = ctx;
  if (!orgId || events.length === 0) return;
  await writeBeforeCommit(
    ctx.tx,
    ctx.tx.insert(auditEvents).values(
      events.map((e) => ({
        orgId,
        actorId: ctx.userId,
        action: e.action,
        entity: e.entity,
        entityId: e.entityId ?? null,
        patientId: e.patientId ?? null,
        requestId: ctx.requestId,
        detail: e.detail ?? {},
      })),
    ),
  );
}
