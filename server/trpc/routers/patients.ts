import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { and, asc, desc, eq, ilike, inArray, isNull, ne, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import {
  patientCreateInput,
  patientIdInput,
  patientListInput,
  patientUpdateInput,
} from "../../../lib/schemas/patients";
import { audit } from "../../audit/record";
import { listExtras } from "../../patients/list-extras";
import type { Tx } from "../../db/client";
import { appointments, careTeam, patients, users } from "../../db/schema";
import { adminProcedure, orgProcedure, router } from "../init";

// Keyset cursors: the sort key of the last row shown plus its id, opaque to the client.
const nameCursor = z.object({ f: z.string(), g: z.string(), id: z.uuid() });
const visitCursor = z.object({ v: z.string(), id: z.uuid() });
const encodeCursor = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch {
    throw new TRPCError({ code: "BAD_REQUEST", message: "The page cursor is not valid." });
  }
}

// The most recent past visit; '-infinity' stands in for "never" so the keyset order is total.
// `patients.id` is written out: drizzle leaves columns unqualified in a one-table select, where
// `id` inside the subquery would bind to appointments.id.
const lastVisit = sql<string>`coalesce((select max(a.starts_at) from appointments a
  where a.patient_id = patients.id and a.starts_at < now() and a.status <> 'cancelled'), '-infinity'::timestamptz)`;

const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const notFound = () => new TRPCError({ code: "NOT_FOUND", message: "Patient not found." });

/** The policies decide whether the row exists for this caller; hidden and missing look the same. */
export async function findPatient(tx: Tx, id: string) {
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
    const filters: (SQL | undefined)[] = [];
    if (!input.includeArchived) filters.push(isNull(patients.archivedAt));
    if (input.search) {
      const pattern = likePattern(input.search);
      filters.push(
        or(
          ilike(patients.familyName, pattern),
          ilike(patients.givenName, pattern),
          ilike(patients.mrn, pattern),
          ilike(sql`${patients.givenName} || ' ' || ${patients.familyName}`, pattern),
        ),
      );
    }
    const byName = input.sort === "name";
    const after: SQL[] = [];
    if (input.cursor && byName) {
      const c = decodeCursor(input.cursor, nameCursor);
      after.push(sql`(${patients.familyName}, ${patients.givenName}, ${patients.id}) > (${c.f}, ${c.g}, ${c.id})`);
    } else if (input.cursor) {
      const c = decodeCursor(input.cursor, visitCursor);
      after.push(sql`(${lastVisit} < ${c.v}::timestamptz or (${lastVisit} = ${c.v}::timestamptz and ${patients.id} > ${c.id}))`);
    }
    const order = byName ? [asc(patients.familyName), asc(patients.givenName), asc(patients.id)] : [desc(lastVisit), asc(patients.id)];
    // By name, the last visit is one lookup for the whole page (as a subquery in the select list it
    // would re-read the policy's care-team array once per row, ~0.3 ms each). The total comes with the first page only (later
    // pages keep the count the client has), as a window over the rows the sort reads anyway.
    const rows = await ctx.tx
      .select({
        patient: patients,
        lastVisit: byName ? sql<string>`null` : lastVisit,
        total: input.cursor ? sql<null>`null` : sql<number>`count(*) over ()`.mapWith(Number),
      })
      .from(patients)
      .where(and(...filters, ...after))
      .orderBy(...order)
      .limit(input.limit + 1);
    const page = rows.slice(0, input.limit);
    const last = page[page.length - 1];
    const nextCursor =
      rows.length <= input.limit
        ? null
        : encodeCursor(byName ? { f: last.patient.familyName, g: last.patient.givenName, id: last.patient.id } : { v: last.lastVisit, id: last.patient.id });
    const visits = new Map<string, string>();
    if (byName && page.length > 0) {
      const found = await ctx.tx
        .select({ patientId: appointments.patientId, at: sql<string>`max(${appointments.startsAt})` })
        .from(appointments)
        .where(and(inArray(appointments.patientId, page.map((r) => r.patient.id)), sql`${appointments.startsAt} < now()`, ne(appointments.status, "cancelled")))
        .groupBy(appointments.patientId);
      for (const v of found) visits.set(v.patientId, v.at);
    }
    const total = input.cursor ? null : (rows[0]?.total ?? 0);
    const extras = await listExtras(ctx.tx, page.map((r) => r.patient.id));
    const items = page.map((r) => {
      const visit = byName ? visits.get(r.patient.id) : r.lastVisit;
      return {
        ...r.patient,
        lastVisit: visit && visit !== "-infinity" ? new Date(visit) : null,
        nextVisit: extras.nextVisit.get(r.patient.id) ?? null,
        access: extras.badges.get(r.patient.id) ?? null,
      };
    });
    if (items.length > 0) {
      await audit(ctx, { action: "patient.list", entity: "patient", detail: { patientIds: items.map((p) => p.id) } });
    }
    return { items, nextCursor, total };
  }),

  /** The chart header: the patient, and why the caller may see it (the chart shows a banner for break-glass access). */
  byId: orgProcedure.input(patientIdInput).query(async ({ ctx, input }) => {
    const patient = await findPatient(ctx.tx, input.id);
    // The basis is the database's (app_access_basis, the function the audit trigger also uses).
    const [access] = await ctx.tx.execute<{ basis: "care_team" | "coverage" | "break_glass" | "admin" | null; grant_expires_at: string | null; cover: { name: string | null; until: string } | null }>(sql`
      select app_access_basis(${patient.id}) as basis,
             (select max(expires_at) from access_grants
               where patient_id = ${patient.id} and clinician_id = app_user_id() and expires_at > now()) as grant_expires_at,
             (select json_build_object('name', u.name, 'until', c.ends_at)
                from coverage c
                join care_team ct on ct.org_id = c.org_id and ct.clinician_id = c.covered_id and ct.patient_id = ${patient.id}
                left join users u on u.id = c.covered_id
               where c.covering_id = app_user_id() and c.starts_at <= now() and c.ends_at > now() and c.ended_at is null
               order by c.ends_at desc limit 1) as cover`);
    await audit(ctx, { action: "patient.view", entity: "patient", entityId: patient.id, patientId: patient.id });
    const via = access.basis ?? "admin";
    return {
      ...patient,
      access: {
        via,
        grantExpiresAt: access.grant_expires_at ? new Date(access.grant_expires_at) : null,
        cover: access.cover ? { coveredName: access.cover.name, until: new Date(access.cover.until) } : null,
      },
    };
  }),

  /** Who looks after this patient (colleagues' names are visible within the practice). */
  careTeam: orgProcedure.input(patientIdInput).query(async ({ ctx, input }) => {
    await findPatient(ctx.tx, input.id);
    return ctx.tx
      .select({ clinicianId: careTeam.clinicianId, name: users.name, assignedAt: careTeam.assignedAt })
      .from(careTeam)
      .leftJoin(users, eq(users.id, careTeam.clinicianId))
      .where(eq(careTeam.patientId, input.id))
      .orderBy(asc(users.name));
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

