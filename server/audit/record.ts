import type { Tx } from "@/server/db/client";
import { writeBeforeCommit } from "@/server/db/pipeline";
import { auditEvents } from "@/server/db/schema";
import type { z } from "zod";
import { AUDIT_ACTIONS, type AuditAction } from "./actions";

export interface AuditContext {
  tx: Tx;
  userId: string;
  orgId: string | null;
  requestId: string;
}

type Detail<A extends AuditAction> = z.input<(typeof AUDIT_ACTIONS)[A]["detail"]>;

/** One audit row: its entity comes from the catalogue, its detail has the action's declared shape. */
export type AuditEvent = {
  [A in AuditAction]: {
    action: A;
    entityId?: string | null;
    patientId?: string | null;
  } & (Record<never, never> extends Detail<A> ? { detail?: Detail<A> } : { detail: Detail<A> });
}[AuditAction];

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
        entity: AUDIT_ACTIONS[e.action].entity,
        entityId: e.entityId ?? null,
        patientId: e.patientId ?? null,
        requestId: ctx.requestId,
        detail: e.detail ?? {},
      })),
    ),
  );
}
