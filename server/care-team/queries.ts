import { and, asc, eq, ilike, inArray, isNull, notExists, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { CareTeamListInput } from "@/lib/schemas/admin";
import type { Tx } from "@/server/db/client";
import { containsPattern, decodeCursor, takePage } from "@/server/db/pagination";
import { careTeam, patients, users } from "@/server/db/schema";

const nameCursor = z.object({ f: z.string(), g: z.string(), id: z.uuid() });

/** Unarchived patients with their teams, by name; `unassignedOnly` finds the ones nobody looks after. */
export async function patientsWithTeams(tx: Tx, input: CareTeamListInput) {
  const where: (SQL | undefined)[] = [isNull(patients.archivedAt)];
  if (input.unassignedOnly) {
    where.push(
      notExists(
        tx
          .select({ x: sql`1` })
          .from(careTeam)
          .where(eq(careTeam.patientId, patients.id)),
      ),
    );
  }
  if (input.search) {
    const p = containsPattern(input.search);
    where.push(or(ilike(patients.familyName, p), ilike(patients.givenName, p), ilike(patients.mrn, p)));
  }
  if (input.cursor) {
    const c = decodeCursor(input.cursor, nameCursor);
    where.push(sql`(${patients.familyName}, ${patients.givenName}, ${patients.id}) > (${c.f}, ${c.g}, ${c.id})`);
  }
  const rows = await tx
    .select({ id: patients.id, mrn: patients.mrn, givenName: patients.givenName, familyName: patients.familyName })
    .from(patients)
    .where(and(...where))
    .orderBy(asc(patients.familyName), asc(patients.givenName), asc(patients.id))
    .limit(input.limit + 1);
  const { page, nextCursor } = takePage(rows, input.limit, (last) => ({
    f: last.familyName,
    g: last.givenName,
    id: last.id,
  }));
  const teams = page.length
    ? await tx
        .select({ patientId: careTeam.patientId, clinicianId: careTeam.clinicianId, name: users.name })
        .from(careTeam)
        .innerJoin(users, eq(users.id, careTeam.clinicianId))
        .where(
          inArray(
            careTeam.patientId,
            page.map((p) => p.id),
          ),
        )
    : [];
  return {
    items: page.map((p) => ({
      ...p,
      team: teams.filter((t) => t.patientId === p.id).map((t) => ({ clinicianId: t.clinicianId, name: t.name })),
    })),
    nextCursor,
  };
}
