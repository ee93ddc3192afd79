import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { audit } from "@/server/audit/record";
import type { Db, Tx } from "@/server/db/client";
import { withRlsContext } from "@/server/db/context";
import { findPgError } from "@/server/db/errors";
import { appointmentReminders, appointments } from "@/server/db/schema";

export interface PracticeResult {
  orgId: string;
  ok: boolean;
  reminders: number;
  error?: string;
}

export interface ReminderOptions {
  /** Called inside each practice's transaction before its work (tests use it to inject a failure). */
  beforePractice?: (orgId: string, tx: Tx) => Promise<void>;
}

/**
 * The per-practice job pattern: list practices through a narrow function, then give each its own
 * transaction with its own context, so RLS scopes every read and write to that practice. One
 * practice failing rolls back only its own transaction; the rest complete. It acts as the
 * practice's earliest active admin (the policies need a member), recorded as such in the audit.
 * `db` is the sign-in path's pool (careroster_auth): the runtime role can neither list practices
 * this way nor act as anyone in them.
 */
export async function runReminders(db: Db, opts: ReminderOptions = {}): Promise<PracticeResult[]> {
  const practices = await db.execute<{ org_id: string; actor_id: string }>(
    sql`select org_id, actor_id from app_job_practices()`,
  );
  const results: PracticeResult[] = [];
  for (const { org_id: orgId, actor_id: userId } of practices) {
    try {
      const reminders = await withRlsContext(db, { kind: "job", orgId }, async (tx) => {
        await opts.beforePractice?.(orgId, tx);
        // No org filter: the policies scope this to the practice in context.
        const due = await tx
          .select({
            id: appointments.id,
            patientId: appointments.patientId,
            day: sql<string>`(${appointments.startsAt} at time zone 'UTC')::date::text`,
          })
          .from(appointments)
          .where(
            and(
              eq(appointments.status, "scheduled"),
              sql`${appointments.startsAt} >= date_trunc('day', now() at time zone 'UTC') at time zone 'UTC' + interval '1 day'`,
              sql`${appointments.startsAt} < date_trunc('day', now() at time zone 'UTC') at time zone 'UTC' + interval '2 days'`,
            ),
          );
        if (due.length === 0) return 0;
        const rows = await tx
          .insert(appointmentReminders)
          .values(due.map((a) => ({ orgId, appointmentId: a.id, patientId: a.patientId, remindOn: a.day })))
          .onConflictDoNothing()
          .returning({ id: appointmentReminders.id });
        await audit(
          { tx, userId, orgId, requestId: randomUUID() },
          { action: "job.reminders", detail: { recorded: rows.length } },
        );
        return rows.length;
      });
      results.push({ orgId, ok: true, reminders });
    } catch (err) {
      // The database's own message only: drizzle's wrapper would repeat the SQL and its parameters.
      results.push({ orgId, ok: false, reminders: 0, error: findPgError(err)?.message ?? "unexpected error" });
    }
  }
  return results;
}
