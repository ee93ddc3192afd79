import { randomUUID } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { z } from "zod";
import type { ImportBatchInput, ImportRow, importPreviewInput } from "@/lib/schemas/import";
import { audit } from "@/server/audit/record";
import { assignToTeams, refuseSelfAssignment } from "@/server/care-team/assignments";
import type { Tx } from "@/server/db/client";
import { findPgError } from "@/server/db/errors";
import { memberships, patients } from "@/server/db/schema";
import { AppError } from "@/server/errors";
import { activeClinicianHere } from "@/server/members/memberships";
import type { MemberCtx } from "@/server/request";
import { findDuplicatesOfMany, type DuplicateOfRow } from "./duplicates";
import { checkRow, crossRowErrors, readRoster } from "./import-parse";

const fullName = (p: { givenName: string; familyName: string }) => `${p.givenName} ${p.familyName}`;

/** The typed MRNs the practice already holds (archived charts included: an MRN is never reused), by its unique index. */
async function takenMrns(tx: Tx, mrns: string[]): Promise<Set<string>> {
  if (mrns.length === 0) return new Set();
  const rows = await tx
    .select({ mrn: patients.mrn })
    .from(patients)
    .where(inArray(patients.mrn, [...new Set(mrns)]));
  return new Set(rows.map((r) => r.mrn));
}

/** The practice's patients each row may already be, by row line. */
async function duplicatesByLine(tx: Tx, rows: ImportRow[]) {
  const found = await findDuplicatesOfMany(
    tx,
    rows.map((r) => ({ ...r, key: r.line })),
  );
  const out = new Map<number, DuplicateOfRow[]>();
  for (const d of found) out.set(d.key, [...(out.get(d.key) ?? []), d]);
  return out;
}

const duplicateReason = (found: DuplicateOfRow[]) =>
  `Possible duplicate of ${found.map((d) => `${fullName(d)} (${d.mrn})`).join(", ")}: register by hand if this is another person`;

export interface PreviewRow {
  line: number;
  /** The validated row to send back in a batch; null when the row cannot be imported. */
  row: ImportRow | null;
  /** What the table shows: as read from the file. */
  shown: { name: string; birthDate: string; sex: string; mrn: string };
  errors: string[];
}

/**
 * Reads and checks a roster file: each row by the registration rules, the file's rows against each
 * other, and against the practice (MRNs in use, possible duplicates). Writes nothing but its audit
 * row, which names the existing patients the preview showed.
 */
export async function previewImport(ctx: MemberCtx, input: z.infer<typeof importPreviewInput>) {
  const raw = readRoster(input.format, input.content);
  const checked = raw.map(checkRow);
  const valid = checked.flatMap((c) => (c.ok ? [c.row] : []));
  const [taken, duplicates] = await Promise.all([
    takenMrns(
      ctx.tx,
      valid.flatMap((r) => (r.mrn ? [r.mrn] : [])),
    ),
    duplicatesByLine(ctx.tx, valid),
  ]);
  const across = crossRowErrors(checked);
  const rows: PreviewRow[] = checked.map((c) => {
    const errors = [...c.errors, ...(across.get(c.line) ?? [])];
    if (c.ok) {
      if (c.row.mrn && taken.has(c.row.mrn)) errors.push(`MRN ${c.row.mrn} is already in the practice`);
      const found = duplicates.get(c.line);
      if (found) errors.push(duplicateReason(found));
    }
    const values = c.ok ? c.row : c.values;
    return {
      line: c.line,
      row: c.ok && errors.length === 0 ? c.row : null,
      shown: {
        name: [values.givenName, values.familyName].filter(Boolean).join(" "),
        birthDate: values.birthDate ?? "",
        sex: values.sex ?? "",
        mrn: values.mrn ?? "",
      },
      errors,
    };
  });
  const importId = randomUUID();
  const shownPatientIds = [...new Set([...duplicates.values()].flat().map((d) => d.id))];
  const ready = rows.filter((r) => r.row).length;
  await audit(ctx, {
    action: "patient.import_preview",
    detail: { importId, format: input.format, rows: rows.length, ready, patientIds: shownPatientIds },
  });
  return { importId, format: input.format, rows, ready };
}

/** The one clinician the batch puts on the care team: an active clinician of this practice, or NOT_FOUND. */
async function careTeamClinician(ctx: MemberCtx, clinicianId: string) {
  refuseSelfAssignment(ctx, clinicianId);
  const [row] = await ctx.tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.userId, clinicianId), activeClinicianHere()));
  if (!row) throw new AppError("NOT_FOUND", "Choose an active clinician of this practice for the care team.");
}

export interface BatchResult {
  created: { line: number; id: string; mrn: string; name: string }[];
  skipped: { line: number; reason: string }[];
}

/** Why the database refused a row, in words (no values, no SQL). */
function refusal(err: unknown) {
  switch (findPgError(err)?.code) {
    case "42501":
      return "the database refused the write";
    case "22021":
    case "22P05":
      return "it holds characters the database cannot store";
    case "23514":
    case "22001":
      return "a value breaks one of the database's rules";
    default:
      return "the database could not store it";
  }
}

const valuesOf = (ctx: MemberCtx, { line: _line, mrn: _mrn, ...fields }: ImportRow, mrn: string) => ({
  ...fields,
  id: randomUUID(),
  mrn,
  orgId: ctx.orgId,
  createdBy: ctx.userId,
});

/**
 * Rows with their MRNs in one insert, a taken MRN skipped: a concurrent import's uncommitted row
 * makes it wait for that import's outcome. The ids of the rows stored, by MRN.
 */
async function insertRows(tx: Tx, ctx: MemberCtx, rows: { row: ImportRow; mrn: string }[]) {
  if (rows.length === 0) return new Map<string, string>();
  const inserted = await tx
    .insert(patients)
    .values(rows.map(({ row, mrn }) => valuesOf(ctx, row, mrn)))
    .onConflictDoNothing({ target: [patients.orgId, patients.mrn] })
    .returning({ id: patients.id, mrn: patients.mrn });
  return new Map(inserted.map((r) => [r.mrn, r.id]));
}

const insertRow = async (ctx: MemberCtx, row: ImportRow, mrn: string) =>
  (await insertRows(ctx.tx, ctx, [{ row, mrn }])).get(mrn) ?? null;

/** The practice's next `n` MRNs, in one statement. */
const nextMrns = async (tx: Tx, n: number) =>
  n === 0
    ? []
    : (await tx.execute<{ next: string }>(sql`select app_next_mrn() as next from generate_series(1, ${n})`)).map(
        (r) => r.next,
      );

/** A generated MRN that a concurrent import typed meanwhile is drawn again. */
async function redraw(ctx: MemberCtx, row: ImportRow) {
  for (let tries = 0; tries < 5; tries++) {
    const [mrn] = await nextMrns(ctx.tx, 1);
    const id = await insertRow(ctx, row, mrn);
    if (id) return { id, mrn };
  }
  return null;
}

const retryable = (err: unknown) => ["40P01", "40001"].includes(findPgError(err)?.code ?? "");

/**
 * Imports one batch in the request's transaction, as the admin (the policies decide): rows whose
 * MRN or person the practice has by now are skipped with the reason; any other refusal rolls the
 * whole batch back and names the row. Typed MRNs go first, in order, so two imports at once take
 * the MRNs' index locks in the same order; a generated MRN that a concurrent import typed is drawn again.
 */
export async function importBatch(ctx: MemberCtx, input: ImportBatchInput): Promise<BatchResult> {
  if (input.clinicianId) await careTeamClinician(ctx, input.clinicianId);
  const skipped: BatchResult["skipped"] = [];
  const [taken, duplicates] = await Promise.all([
    takenMrns(
      ctx.tx,
      input.rows.flatMap((r) => (r.mrn ? [r.mrn] : [])),
    ),
    duplicatesByLine(ctx.tx, input.rows),
  ]);
  const todo = input.rows.filter((r) => {
    const found = duplicates.get(r.line);
    if (r.mrn && taken.has(r.mrn)) skipped.push({ line: r.line, reason: `MRN ${r.mrn} is already in the practice` });
    else if (found) skipped.push({ line: r.line, reason: duplicateReason(found) });
    else return true;
    return false;
  });
  todo.sort((a, b) =>
    a.mrn && b.mrn ? (a.mrn < b.mrn ? -1 : a.mrn > b.mrn ? 1 : 0) : a.mrn ? -1 : b.mrn ? 1 : a.line - b.line,
  );

  const drawn = await nextMrns(ctx.tx, todo.filter((r) => !r.mrn).length);
  const planned = todo.map((row) => ({ row, mrn: row.mrn ?? drawn.shift()! }));
  const lines = input.rows.map((r) => r.line);
  /** Runs one row's write; a refusal rolls the batch back and names the row. */
  const named = async <T>(row: ImportRow, write: () => Promise<T>) => {
    try {
      return await write();
    } catch (err) {
      // Deadlock or serialization: the whole batch may simply be sent again.
      if (retryable(err)) throw err;
      throw new AppError(
        "BAD_REQUEST",
        `Row ${row.line} was refused: ${refusal(err)}. The batch of rows ${Math.min(...lines)}–${Math.max(...lines)} was rolled back; none of them were imported.`,
        null,
        err,
      );
    }
  };
  // One statement for the batch, in a savepoint: when the database refuses a row, the rows go one at
  // a time to find which.
  const stored = await ctx.tx
    .transaction((savepoint) => insertRows(savepoint, ctx, planned))
    .catch((err: unknown) => {
      if (retryable(err)) throw err;
      return null;
    });
  const created: BatchResult["created"] = [];
  for (const { row, mrn } of planned) {
    const id = stored ? (stored.get(mrn) ?? null) : await named(row, () => insertRow(ctx, row, mrn));
    const kept = id ? { id, mrn } : row.mrn ? null : await named(row, () => redraw(ctx, row));
    if (kept) created.push({ line: row.line, ...kept, name: fullName(row) });
    else skipped.push({ line: row.line, reason: `MRN ${mrn} was taken by another registration meanwhile` });
  }
  if (input.clinicianId && created.length > 0)
    await assignToTeams(ctx, { clinicianId: input.clinicianId, patientIds: created.map((c) => c.id) });
  await audit(
    ctx,
    ...created.map((c) => ({
      action: "patient.import" as const,
      entityId: c.id,
      patientId: c.id,
      detail: { importId: input.importId, line: c.line, mrnGenerated: !input.rows.find((r) => r.line === c.line)?.mrn },
    })),
    {
      action: "patient.import_batch",
      detail: {
        importId: input.importId,
        created: created.length,
        skipped: skipped.length,
        ...(input.clinicianId ? { clinicianId: input.clinicianId } : {}),
      },
    },
  );
  return { created: created.sort((a, b) => a.line - b.line), skipped: skipped.sort((a, b) => a.line - b.line) };
}
