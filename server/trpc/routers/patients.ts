import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { and, asc, eq, ilike, isNull, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import {
  patientCreateInput,
  patientIdInput,
  patientListInput,
  patientUpdateInput,
} from "../../../lib/schemas/patients";
import { audit } from "../../audit/record";
import type { Tx } from "../../db/client";
import { patients } from "../../db/schema";
import { adminProcedure, orgProcedure, router } from "../init";

const cursorSchema = z.object({ f: z.string(), g: z.string(), id: z.uuid() });
const encodeCursor = (p: { familyName: string; givenName: string; id: string }) =>
  Buffer.from(JSON.stringify({ f: p.familyName, g: p.givenName, id: p.id })).toString("base64url");

function decodeCursor(cursor: string) {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch {
    throw new TRPCError({ code: "BAD_REQUEST", message: "The page cursor is not valid." });
  }
}

const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const notFound = () => new TRPCError({ code: "NOT_FOUND", message: "Patient not found." });

/** The policies decide whether the row exists for this caller; hidden and missing look the same. */
async function findPatient(tx: Tx, id: string) {
  const [row] = await tx.select().from(patients).where(eq(patients.id, id));
  if (!row) throw notFound();
  return row;
}

async function setArchived(tx: Tx, id: string, archived: boolean) {
  const [row] = await tx
    .update(patients)
    .set({ archivedAt: archived ? sql`now()` : null })
    .where(eq(patients.id, id))
    .returning();
  if (!row) throw notFound();
  return row;
}

export const patientsRouter = router({
  /**
   * Keyset-paginated by (family name, given name, id). No tenant or care-team filter here:
   * the policies return only the caller's patients.
   */
  list: orgProcedure.input(patientListInput).query(async ({ ctx, input }) => {
    const conditions: (SQL | undefined)[] = [];
    if (!input.includeArchived) conditions.push(isNull(patients.archivedAt));
    if (input.search) {
      const pattern = likePattern(input.search);
      conditions.push(
        or(
          ilike(patients.familyName, pattern),
          ilike(patients.givenName, pattern),
          ilike(patients.mrn, pattern),
          ilike(sql`${patients.givenName} || ' ' || ${patients.familyName}`, pattern),
        ),
      );
    }
    if (input.cursor) {
      const c = decodeCursor(input.cursor);
      conditions.push(sql`(${patients.familyName}, ${patients.givenName}, ${patients.id}) > (${c.f}, ${c.g}, ${c.id})`);
    }
    const rows = await ctx.tx
      .select()
      .from(patients)
      .where(and(...conditions))
      .orderBy(asc(patients.familyName), asc(patients.givenName), asc(patients.id))
      .limit(input.limit + 1);
    const items = rows.slice(0, input.limit);
    if (items.length > 0) {
      await audit(ctx, { action: "patient.list", entity: "patient", detail: { patientIds: items.map((p) => p.id) } });
    }
    return { items, nextCursor: rows.length > input.limit ? encodeCursor(items[items.length - 1]) : null };
  }),

  /** The chart header: the patient, and why the caller may see it (the chart shows a banner for break-glass access). */
  byId: orgProcedure.input(patientIdInput).query(async ({ ctx, input }) => {
    const patient = await findPatient(ctx.tx, input.id);
    const [access] = await ctx.tx.execute<{ admin: boolean; on_team: boolean; grant_expires_at: string | null }>(sql`
      select app_is_admin() as admin,
             exists (select 1 from care_team where patient_id = ${patient.id} and clinician_id = app_user_id()) as on_team,
             (select max(expires_at) from access_grants
               where patient_id = ${patient.id} and clinician_id = app_user_id() and expires_at > now()) as grant_expires_at`);
    await audit(ctx, { action: "patient.view", entity: "patient", entityId: patient.id, patientId: patient.id });
    const via: "care_team" | "admin" | "break_glass" = access.on_team ? "care_team" : access.admin ? "admin" : "break_glass";
    return { ...patient, access: { via, grantExpiresAt: access.grant_expires_at ? new Date(access.grant_expires_at) : null } };
  }),

  /** Inserted without RETURNING: the row becomes visible to a clinician only once the trigger has put them on its care team. */
  create: orgProcedure.input(patientCreateInput).mutation(async ({ ctx, input }) => {
    if (!ctx.orgId) throw new TRPCError({ code: "FORBIDDEN", message: "Choose a practice first." });
    const id = randomUUID();
    await ctx.tx.insert(patients).values({ ...input, id, orgId: ctx.orgId, createdBy: ctx.userId });
    const patient = await findPatient(ctx.tx, id);
    await audit(ctx, { action: "patient.create", entity: "patient", entityId: id, patientId: id });
    return patient;
  }),

  /** Optimistic concurrency: the edit names the version it started from. */
  update: orgProcedure.input(patientUpdateInput).mutation(async ({ ctx, input }) => {
    const { id, version, ...changes } = input;
    const [row] = await ctx.tx
      .update(patients)
      .set(changes)
      .where(and(eq(patients.id, id), eq(patients.version, version)))
      .returning();
    if (!row) {
      const current = await findPatient(ctx.tx, id);
      throw new TRPCError({
        code: "CONFLICT",
        message: `This patient was changed by someone else (now version ${current.version}). Reload to see the latest details; your edit was not saved.`,
      });
    }
    await audit(ctx, {
      action: "patient.update",
      entity: "patient",
      entityId: id,
      patientId: id,
      detail: { fields: Object.keys(changes) },
    });
    return row;
  }),

  archive: adminProcedure.input(patientIdInput).mutation(async ({ ctx, input }) => {
    const row = await setArchived(ctx.tx, input.id, true);
    await audit(ctx, { action: "patient.archive", entity: "patient", entityId: row.id, patientId: row.id });
    return row;
  }),

  restore: adminProcedure.input(patientIdInput).mutation(async ({ ctx, input }) => {
    const row = await setArchived(ctx.tx, input.id, false);
    await audit(ctx, { action: "patient.restore", entity: "patient", entityId: row.id, patientId: row.id });
    return row;
  }),
});

