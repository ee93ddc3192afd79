import { and, asc, eq, isNull, or, sql } from "drizzle-orm";
import type { z } from "zod";
import type { duplicateCheckInput } from "@/lib/schemas/patients";
import { audit } from "@/server/audit/record";
import type { Tx } from "@/server/db/client";
import { patients } from "@/server/db/schema";
import type { RequestCtx } from "@/server/request";

export type DuplicateCheck = z.infer<typeof duplicateCheckInput>;

/** pg_trgm's similarity at which two names count as alike (the same as app_hidden_duplicate_exists). */
const SIMILAR = 0.3;
const digits = (v: string | null | undefined) => (v ?? "").replace(/\D/g, "");
/** Phone numbers compare by digits, and only when there are enough of them to mean something. */
const comparablePhone = (v: string | null | undefined) => (digits(v).length >= 7 ? digits(v) : null);

/**
 * Possible duplicates of a registration: the unarchived patients the policies show the caller
 * with the same birth date and a similar name, the same phone digits or the same email, and
 * whether the practice holds one the caller cannot see (a bare yes, from the database).
 */
export async function findDuplicates(tx: Tx, input: DuplicateCheck) {
  const name = `${input.givenName} ${input.familyName}`.toLowerCase();
  const fullName = sql`lower(${patients.givenName} || ' ' || ${patients.familyName})`;
  const phone = comparablePhone(input.phone);
  const sameName = and(
    eq(patients.birthDate, input.birthDate),
    sql`extensions.similarity(${fullName}, ${name}) >= ${SIMILAR}`,
  );
  const samePhone = phone ? sql`regexp_replace(${patients.phone}, '\\D', '', 'g') = ${phone}` : undefined;
  const sameEmail = input.email ? sql`lower(${patients.email}) = ${input.email.toLowerCase()}` : undefined;
  const rows = await tx
    .select({
      id: patients.id,
      mrn: patients.mrn,
      givenName: patients.givenName,
      familyName: patients.familyName,
      birthDate: patients.birthDate,
      sameName: sql<boolean>`coalesce(${sameName}, false)`,
      samePhone: samePhone ? sql<boolean>`coalesce(${samePhone}, false)` : sql<boolean>`false`,
      sameEmail: sameEmail ? sql<boolean>`coalesce(${sameEmail}, false)` : sql<boolean>`false`,
    })
    .from(patients)
    .where(and(isNull(patients.archivedAt), or(sameName, samePhone, sameEmail)))
    .orderBy(asc(patients.familyName), asc(patients.givenName), asc(patients.id))
    .limit(10);
  const [{ hidden }] = await tx.execute<{ hidden: boolean }>(
    sql`select app_hidden_duplicate_exists(${input.givenName}, ${input.familyName}, ${input.birthDate}::date,
      ${input.phone ?? null}, ${input.email ?? null}) as hidden`,
  );
  const candidates = rows.map(({ sameName, samePhone, sameEmail, ...row }) => ({
    ...row,
    reasons: [
      ...(sameName ? (["name and birth date"] as const) : []),
      ...(samePhone ? (["phone"] as const) : []),
      ...(sameEmail ? (["email"] as const) : []),
    ],
  }));
  return { candidates, elsewhere: hidden };
}

/** The registration form's check before "Create patient" (audited: it shows names and MRNs). */
export async function checkDuplicates(ctx: RequestCtx, input: DuplicateCheck) {
  const found = await findDuplicates(ctx.tx, input);
  await audit(ctx, {
    action: "patient.duplicate_check",
    detail: { patientIds: found.candidates.map((c) => c.id), elsewhere: found.elsewhere },
  });
  return found;
}

export type DuplicateOfRow = {
  key: number;
  id: string;
  mrn: string;
  givenName: string;
  familyName: string;
};

/**
 * `findDuplicates` for many registrations at once (a roster import): one statement, the same three
 * questions per row, at most three candidates each, as the caller's policies show the practice.
 */
export async function findDuplicatesOfMany(tx: Tx, rows: (DuplicateCheck & { key: number })[]) {
  if (rows.length === 0) return [];
  const input = rows.map((r) => ({
    key: r.key,
    name: `${r.givenName} ${r.familyName}`.toLowerCase(),
    birth: r.birthDate,
    phone: comparablePhone(r.phone),
    email: r.email?.toLowerCase() ?? null,
  }));
  return tx.execute<DuplicateOfRow>(sql`
    select i.key, p.id, p.mrn, p.given_name as "givenName", p.family_name as "familyName"
    from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as i(key int, name text, birth date, phone text, email text)
    cross join lateral (
      select p.id, p.mrn, p.given_name, p.family_name from patients p
      where p.archived_at is null
        and ((p.birth_date = i.birth and extensions.similarity(lower(p.given_name || ' ' || p.family_name), i.name) >= ${SIMILAR})
          or (i.phone is not null and regexp_replace(p.phone, '\\D', '', 'g') = i.phone)
          or (i.email is not null and lower(p.email) = i.email))
      order by p.family_name, p.given_name, p.id
      limit 3
    ) p
    order by i.key`);
}
