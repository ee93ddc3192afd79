import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { appRouter } from "@/server/trpc/routers/_app";
import { callerFor, demoIds, ownerSql } from "@/tests/helpers/db";

// Every procedure of the router, found generically (new ones are covered without editing this file),
// called with hostile input by a Northside clinician and a Northside admin: never a 500, and
// nothing in Lakeside changes.

const procedures = Object.keys(appRouter._def.procedures);

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom(
    "'; drop table patients; --",
    '" or 1=1 --',
    "<script>alert(1)</script>",
    "%_\\",
    "\u0000",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🧪",
    "x".repeat(100_000),
    "2999-02-30",
    "00000000-0000-0000-0000-000000000000",
    "NaN",
    "",
  ),
);

async function lakesideState() {
  const { orgs } = await demoIds();
  const tables = ["patients", "care_team", "appointments", "clinical_notes", "access_grants", "memberships"];
  const out: Record<string, string> = {};
  for (const t of tables) {
    const [row] = await ownerSql().unsafe(
      `select md5(coalesce(string_agg(x::text, ',' order by x::text), '')) as h from ${t} x where org_id = $1`,
      [orgs.lakeside],
    );
    out[t] = row.h as string;
  }
  return out;
}

describe("fuzzing every procedure", () => {
  const started = new Date();
  afterAll(async () => {
    // Whatever the fuzzer managed to create as real users, remove it again (other files count the demo seed).
    const sql = ownerSql();
    await sql`delete from clinical_notes where created_at >= ${started}`;
    await sql`delete from appointments where created_at >= ${started}`;
    await sql`delete from access_grants where granted_at >= ${started}`;
    await sql`delete from care_team where assigned_at >= ${started}`;
    await sql`delete from patients where created_at >= ${started}`;
  });

  it(`${procedures.length} procedures: random and boundary input never yields INTERNAL_SERVER_ERROR, and another org is untouched`, async () => {
    expect(procedures.length).toBeGreaterThan(25);
    const { users, orgs } = await demoIds();
    const [lakePatient] = await ownerSql()`select id from patients where org_id = ${orgs.lakeside} limit 1`;
    const foreignIds = [lakePatient.id as string, users.house, orgs.lakeside, randomUUID()];
    const idLike = fc.oneof(fc.constantFrom(...foreignIds), fc.uuid(), hostileString);
    const value = fc.oneof(
      hostileString,
      idLike,
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(idLike, { maxLength: 3 }),
      fc.date({ noInvalidDate: false }),
    );
    const keys = [
      "id",
      "patientId",
      "orgId",
      "org_id",
      "clinicianId",
      "authorId",
      "createdBy",
      "userId",
      "search",
      "cursor",
      "limit",
      "body",
      "reason",
      "mrn",
      "givenName",
      "familyName",
      "birthDate",
      "sex",
      "phone",
      "email",
      "version",
      "startsAt",
      "durationMinutes",
      "role",
      "status",
      "kind",
      "name",
      "patientIds",
      "comment",
      "currentPassword",
      "newPassword",
      "sort",
      "includeArchived",
      "actorId",
      "action",
      "from",
      "to",
      "unassignedOnly",
    ];
    const input = fc.oneof(
      fc.anything(),
      fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 8 }),
      fc.constant(undefined),
    );
    const before = await lakesideState();
    const callers = [await callerFor("grey", "northside"), await callerFor("northAdmin", "northside")];

    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...procedures), fc.constantFrom(0, 1), input, async (path, who, raw) => {
        const [a, b, c] = path.split(".");
        const target = (callers[who] as unknown as Record<string, Record<string, unknown>>)[a][b];
        const fn = (c ? (target as Record<string, unknown>)[c] : target) as (i: unknown) => Promise<unknown>;
        try {
          await fn(raw);
        } catch (err) {
          expect(err).toBeInstanceOf(TRPCError);
          seen.add((err as TRPCError).code);
          if ((err as TRPCError).code === "INTERNAL_SERVER_ERROR")
            throw new Error(
              `${path} → 500 for ${JSON.stringify(raw)?.slice(0, 200)}: ${String((err as TRPCError).cause)}`,
            );
        }
      }),
      { numRuns: 1500, seed: 20261123 },
    );
    expect(seen).toContain("BAD_REQUEST");
    expect(await lakesideState()).toEqual(before);
  }, 240_000);

  it("strings round-trip byte-exact: stored as given, never interpreted", async () => {
    const grey = await callerFor("grey", "northside");
    const [p] = (await grey.patients.list({ limit: 1 })).items;
    const body = "<img src=x onerror=alert(1)> '; select pg_sleep(5); -- 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \\ % _";
    const note = await grey.notes.create({ patientId: p.id, body });
    const listed = await grey.notes.list({ patientId: p.id });
    expect(listed.find((n) => n.id === note.id)?.body).toBe(body);
    await ownerSql()`delete from clinical_notes where id = ${note.id}`;
  });
});
