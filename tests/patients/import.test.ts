import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { IMPORT_LIMITS, type ImportRow } from "@/lib/schemas/import";
import { csvRows } from "@/server/audit/csv";
import { demoPatients, type DemoOrgKey, type DemoUserKey } from "@/server/db/seed/demo-data";
import { importBatch } from "@/server/patients/import";
import { checkRow, crossRowErrors, readCsv, readFhirBundle } from "@/server/patients/import-parse";
import { asUser, callerFor, demoIds, ownerSql, pgError, trpcCode } from "@/tests/helpers/db";

/** Every patient this file imports has a family name ending in this, so it can be removed. */
const SUFFIX = "Importtest";
const fam = (name: string) => `${name}-${SUFFIX}`;
const HEADER = "mrn,given_name,family_name,birth_date,sex,phone,email\n";

const messageOf = (p: Promise<unknown>) =>
  p.then(
    () => "OK",
    (err: unknown) => (err instanceof TRPCError ? err.message : Promise.reject(err)),
  );

const imported = async () =>
  (await ownerSql()`select id, org_id, mrn, given_name, family_name, created_by from patients
    where family_name like ${"%-" + SUFFIX} order by mrn`) as unknown as {
    id: string;
    org_id: string;
    mrn: string;
    given_name: string;
    family_name: string;
    created_by: string;
  }[];

const auditCount = async (importId: string) =>
  (await ownerSql()`select count(*)::int as n from audit_events where detail->>'importId' = ${importId}`)[0]
    .n as number;

/** The SQLSTATE with which the database refuses a care_team row (org, clinician, patient, assigned by) written as `user`. */
const careTeamInsertAs = async (user: DemoUserKey, org: DemoOrgKey, [orgId, clinician, patient, by]: string[]) =>
  (
    await pgError(
      asUser(user, org, (tx) =>
        tx.execute(sql`insert into care_team (org_id, clinician_id, patient_id, assigned_by)
          values (${orgId}, ${clinician}, ${patient}, ${by})`),
      ),
    )
  ).code;

let people = 0;
/** A valid row as the preview returns it, each a person of their own (no birth date repeats). */
const row = (line: number, over: Partial<ImportRow> = {}): ImportRow => ({
  line,
  mrn: `IMP-${line}-${randomUUID().slice(0, 6)}`,
  givenName: `Given${line}`,
  familyName: fam(`Family${line}`),
  birthDate: new Date(Date.UTC(1940, 0, 1) + ++people * 86_400_000).toISOString().slice(0, 10),
  sex: "unknown",
  phone: null,
  email: null,
  ...over,
});

afterAll(async () => {
  const o = ownerSql();
  const mine = o`select id from patients where family_name like ${"%-" + SUFFIX}`;
  await o`delete from care_team where patient_id in (${mine})`;
  await o`delete from patients where family_name like ${"%-" + SUFFIX}`;
});

describe("reading a roster file", () => {
  it("reads the CSV header in any order and case, with the file's line numbers", () => {
    const rows = readCsv(
      '\uFEFFFamily Name,GIVEN_NAME,birth-date,sex\r\nDoe,Jane,1980-02-03,F\r\n\r\n,,,\r\n"Smith, Jr","Multi\nLine",4 Apr 1979,m\r\n',
    );
    expect(rows.map((r) => r.line)).toEqual([2, 6]);
    expect(rows[0].values).toEqual({ familyName: "Doe", givenName: "Jane", birthDate: "1980-02-03", sex: "F" });
    expect(rows[1].values.familyName).toBe("Smith, Jr");
    expect(checkRow(rows[1])).toMatchObject({
      ok: true,
      row: { givenName: "Multi\nLine", birthDate: "1979-04-04", sex: "male", mrn: null },
    });
  });

  it("refuses a header that is not the template's, naming the columns", () => {
    expect(() => readCsv("first,last,birth_date\nA,B,1980-01-01\n")).toThrow(
      /unknown columns “first”, “last”; missing given_name, family_name\)/,
    );
    expect(() => readCsv("given_name,family_name,birth_date\n")).toThrow(/no patients/);
    expect(() => readCsv('given_name,family_name,birth_date\n"A,B,1980-01-01\n')).toThrow(
      /could not be read as CSV.*a quoted cell is not closed/,
    );
  });

  it("stops at the row limit", () => {
    const many = "given_name,family_name,birth_date\n" + "A,B,1980-01-01\n".repeat(IMPORT_LIMITS.maxRows + 5);
    expect(() => readCsv(many)).toThrow(`more than ${IMPORT_LIMITS.maxRows} patients`);
    const enough = "given_name,family_name,birth_date\n" + "A,B,1980-01-01\n".repeat(IMPORT_LIMITS.maxRows);
    expect(readCsv(enough)).toHaveLength(IMPORT_LIMITS.maxRows);
  });

  it("says what is wrong with each row", () => {
    const rows = readCsv(
      HEADER +
        ",,Nogiven,1980-01-01,,,\n" +
        ",Ann,Baddate,1980-02-30,female,,\n" +
        `,Ann,Future,${new Date(Date.now() + 86_400_000 * 3).toISOString().slice(0, 10)},female,,\n` +
        ",Ann,Badsex,1980-01-01,woman,,\n" +
        "bad mrn!,Ann,Mrn,1980-01-01,,,not-an-email\n",
    );
    const errors = rows.map((r) => checkRow(r).errors);
    expect(errors[0]).toEqual(["Given name is required"]);
    expect(errors[1]).toEqual(["Birth date: Enter a date such as 4 Apr 1979"]);
    expect(errors[2]).toEqual(["Birth date must be between 1900 and today"]);
    expect(errors[3]).toEqual(["Sex must be female, male, other or unknown (or F, M, O, U)"]);
    expect(errors[4]).toEqual(["MRN: Letters, digits and dashes only", "Email: Enter a valid email address"]);
  });

  it("finds repeated MRNs and people within the file", () => {
    const checked = readCsv(
      HEADER +
        "A-1,Ann,One,1980-01-01,,,\n" +
        "a-1,Bob,Two,1981-01-01,,,\n" +
        ",Cy,Three,1982-01-01,,,\n" +
        ",CY,three,1982-01-01,,,\n",
    ).map(checkRow);
    const across = crossRowErrors(checked);
    expect(Object.fromEntries(across)).toEqual({
      2: ["MRN repeats on row 3"],
      3: ["MRN repeats on row 2"],
      4: ["Same name and birth date as row 5"],
      5: ["Same name and birth date as row 4"],
    });
  });

  it("reads a FHIR Bundle of Patients; other entries are row errors", () => {
    const bundle = {
      resourceType: "Bundle",
      type: "collection",
      entry: [
        {
          resource: {
            resourceType: "Patient",
            identifier: [
              { system: "urn:other", value: "X1" },
              {
                type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/v2-0203", code: "MR" }] },
                value: "F-77",
              },
            ],
            name: [
              { use: "usual", given: ["Bea"] },
              { use: "official", family: "Fhir", given: ["Beatrice", "Ann"] },
            ],
            gender: "female",
            birthDate: "1975-06-07",
            telecom: [
              { system: "email", value: "bea@example.test" },
              { system: "phone", value: "+1 555 0100" },
            ],
            address: [
              { line: ["1 Main St", "Flat 2"], city: "Springfield", state: "OR", postalCode: "97477", country: "US" },
            ],
            contact: [
              {
                relationship: [{ coding: [{ code: "SPS" }] }],
                name: { given: ["Carl"], family: "Fhir" },
                telecom: [{ system: "phone", value: "555 0101" }],
              },
            ],
          },
        },
        { resource: { resourceType: "Observation" } },
        { resource: { resourceType: "Patient", gender: "F", birthDate: "1975" } },
      ],
    };
    const rows = readFhirBundle(JSON.stringify(bundle));
    expect(rows[0].values).toEqual({
      mrn: "F-77",
      givenName: "Beatrice Ann",
      familyName: "Fhir",
      preferredName: "Bea",
      birthDate: "1975-06-07",
      sex: "female",
      phone: "+1 555 0100",
      email: "bea@example.test",
      addressLine: "1 Main St, Flat 2",
      addressCity: "Springfield",
      addressRegion: "OR",
      addressPostalCode: "97477",
      addressCountry: "US",
      emergencyName: "Carl Fhir",
      emergencyRelationship: "spouse",
      emergencyPhone: "555 0101",
    });
    expect(checkRow(rows[0]).ok).toBe(true);
    expect(rows[1].errors).toEqual(["The entry is a Observation, not a Patient"]);
    // FHIR gender is lower-case; "F" is read as the roster letter, and a partial date is no birth date.
    expect(checkRow(rows[2]).errors).toEqual([
      "Given name is required",
      "Family name is required",
      "Birth date: Enter a date such as 4 Apr 1979",
    ]);
    expect(() => readFhirBundle('{"resourceType":"Patient"}')).toThrow(/not a FHIR Bundle/);
    expect(() => readFhirBundle("{")).toThrow(/not valid JSON/);
  });
});

describe("roster import as the admin", () => {
  const existing = demoPatients.find((p) => p.org === "northside")!;

  it("previews with per-row errors against the practice, and audits what it showed", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const content =
      HEADER +
      `,Ok,${fam("Fine")},1990-05-05,f,,\n` +
      `,,${fam("Noname")},1990-05-05,,,\n` +
      `${existing.mrn},Taken,${fam("Mrn")},1990-05-05,,,\n` +
      `,${existing.givenName},${existing.familyName},${existing.birthDate},,,\n`;
    const preview = await admin.admin.import.preview({ format: "csv", content });
    expect(preview.rows.map((r) => [r.line, r.errors])).toEqual([
      [2, []],
      [3, ["Given name is required"]],
      [4, [`MRN ${existing.mrn} is already in the practice`]],
      [
        5,
        [
          `Possible duplicate of ${existing.givenName} ${existing.familyName} (${existing.mrn}): register by hand if this is another person`,
        ],
      ],
    ]);
    expect(preview.ready).toBe(1);
    expect(preview.rows[0].row).toMatchObject({ givenName: "Ok", sex: "female", mrn: null });
    const [event] =
      await ownerSql()`select action, detail from audit_events where detail->>'importId' = ${preview.importId}`;
    const { id: existingId } = (await ownerSql()`select id from patients where mrn = ${existing.mrn}`)[0];
    expect(event).toMatchObject({
      action: "patient.import_preview",
      detail: { importId: preview.importId, format: "csv", rows: 4, ready: 1, patientIds: [existingId] },
    });
  });

  it("imports a batch in one transaction, assigns the care team, and audits each patient", async () => {
    const { users, orgs } = await demoIds();
    const admin = await callerFor("northAdmin", "northside");
    const importId = randomUUID();
    const rows = [row(2), row(3, { mrn: null, givenName: "Generated" })];
    const result = await admin.admin.import.batch({ importId, clinicianId: users.grey, rows });
    expect(result.skipped).toEqual([]);
    expect(result.created.map((c) => c.line)).toEqual([2, 3]);
    expect(result.created[0].mrn).toBe(rows[0].mrn);
    expect(result.created[1].mrn).toMatch(/^\d{6}$|^[A-Za-z0-9-]+\d{6}$/);
    const stored = (await imported()).filter((p) => result.created.some((c) => c.id === p.id));
    expect(stored.every((p) => p.org_id === orgs.northside && p.created_by === users.northAdmin)).toBe(true);
    // Dr Grey now sees them through the care-team policy.
    const grey = await callerFor("grey", "northside");
    for (const c of result.created) expect((await grey.patients.byId({ id: c.id })).id).toBe(c.id);
    const actions = await ownerSql()`select action, count(*)::int as n from audit_events
      where detail->>'importId' = ${importId} or (action = 'care_team.assign' and patient_id in ${ownerSql()(result.created.map((c) => c.id))})
      group by action order by action`;
    expect(actions).toEqual([
      { action: "care_team.assign", n: 2 },
      { action: "patient.import", n: 2 },
      { action: "patient.import_batch", n: 1 },
    ]);
  });

  it("skips rows whose MRN or person arrived since the preview", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const result = await admin.admin.import.batch({
      importId: randomUUID(),
      rows: [
        row(7, { mrn: existing.mrn }),
        row(8, { givenName: existing.givenName, familyName: existing.familyName, birthDate: existing.birthDate }),
      ],
    });
    expect(result.created).toEqual([]);
    expect(result.skipped.map((s) => s.line)).toEqual([7, 8]);
  });

  it("a failed batch rolls back entirely and names the row", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const importId = randomUUID();
    const before = (await imported()).length;
    // A rule the database holds and the form does not: the row passes zod and is refused on insert.
    const o = ownerSql();
    await o`alter table patients add constraint import_test_refuse check (given_name <> 'Refused') not valid`;
    try {
      const rows = [row(10), row(11, { givenName: "Refused" }), row(12)];
      const message = await messageOf(admin.admin.import.batch({ importId, rows }));
      expect(message).toBe(
        "Row 11 was refused: a value breaks one of the database's rules. The batch of rows 10–12 was rolled back; none of them were imported.",
      );
    } finally {
      await o`alter table patients drop constraint import_test_refuse`;
    }
    expect((await imported()).length).toBe(before);
    expect(await auditCount(importId)).toBe(0);
    // A NUL, which PostgreSQL text cannot hold, is refused at the boundary by field.
    await expect(
      admin.admin.import.batch({ importId, rows: [row(13), row(14, { familyName: fam("Nul\u0000") })] }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", cause: { issues: [{ path: ["rows", 1, "familyName"] }] } });
  });

  it("enforces the limits with clear errors", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const big = "x".repeat(IMPORT_LIMITS.maxBytes + 1);
    await expect(admin.admin.import.preview({ format: "csv", content: big })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      cause: { issues: [{ message: "The file is larger than 2 MB: split it into smaller files." }] },
    });
    // Multi-byte characters count as bytes.
    const wide = "é".repeat(IMPORT_LIMITS.maxBytes / 2 + 1);
    expect(await trpcCode(admin.admin.import.preview({ format: "csv", content: wide }))).toBe("BAD_REQUEST");
    const many = "given_name,family_name,birth_date\n" + "A,B,1980-01-01\n".repeat(IMPORT_LIMITS.maxRows + 1);
    expect(await messageOf(admin.admin.import.preview({ format: "csv", content: many }))).toMatch(
      `more than ${IMPORT_LIMITS.maxRows} patients`,
    );
    const tooBig = Array.from({ length: IMPORT_LIMITS.batchSize + 1 }, (_, i) => row(i + 2));
    expect(await trpcCode(admin.admin.import.batch({ importId: randomUUID(), rows: tooBig }))).toBe("BAD_REQUEST");
    const repeated = [row(2, { mrn: "SAME-1" }), row(3, { mrn: "same-1" })];
    await expect(admin.admin.import.batch({ importId: randomUUID(), rows: repeated })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      cause: { issues: [{ path: ["rows", 1, "mrn"], message: "MRN repeats row 2" }] },
    });
  });
});

describe("roster import as an attacker", () => {
  it("a clinician calling the import procedures is refused, and nothing is written", async () => {
    const grey = await callerFor("grey", "northside");
    const importId = randomUUID();
    const before = (await imported()).length;
    expect(await trpcCode(grey.admin.import.preview({ format: "csv", content: HEADER + ",A,B,1980-01-01,,,\n" }))).toBe(
      "FORBIDDEN",
    );
    expect(await trpcCode(grey.admin.import.batch({ importId, rows: [row(2)] }))).toBe("FORBIDDEN");
    expect((await imported()).length).toBe(before);
    expect(await auditCount(importId)).toBe(0);
  });

  it("past the procedure's gate, the database refuses a clinician's care-team assignment", async () => {
    const { users, orgs } = await demoIds();
    const greys = (await ownerSql()`select patient_id from care_team where clinician_id = ${users.grey} limit 1`)[0]
      .patient_id as string;
    expect(await careTeamInsertAs("grey", "northside", [orgs.northside, users.shepherd, greys, users.grey])).toBe(
      "42501",
    );
  });

  it("an admin cannot put themselves on the imported patients' care team", async () => {
    const { users, orgs } = await demoIds();
    const admin = await callerFor("northAdmin", "northside");
    const importId = randomUUID();
    const before = (await imported()).length;
    expect(
      await trpcCode(admin.admin.import.batch({ importId, clinicianId: users.northAdmin, rows: [row(2)] })),
    ).not.toBe("OK");
    expect((await imported()).length).toBe(before);
    expect(await auditCount(importId)).toBe(0);
    // The care-team policy refuses it on its own.
    const theirs = (await ownerSql()`select id from patients where org_id = ${orgs.northside} limit 1`)[0].id as string;
    expect(
      await careTeamInsertAs("northAdmin", "northside", [orgs.northside, users.northAdmin, theirs, users.northAdmin]),
    ).toBe("42501");
  });

  it("an admin of practice B imports into B only and cannot assign A's clinician", async () => {
    const { users, orgs } = await demoIds();
    const lake = await callerFor("lakeAdmin", "lakeside");
    const before = (await imported()).length;
    expect(
      await messageOf(lake.admin.import.batch({ importId: randomUUID(), clinicianId: users.grey, rows: [row(2)] })),
    ).toBe("Choose an active clinician of this practice for the care team.");
    expect((await imported()).length).toBe(before);
    // The database refuses it too: care_team's clinician must be a member of the row's practice.
    const lakeId = (await ownerSql()`select id from patients where org_id = ${orgs.lakeside} limit 1`)[0].id as string;
    expect(await careTeamInsertAs("lakeAdmin", "lakeside", [orgs.lakeside, users.grey, lakeId, users.lakeAdmin])).toBe(
      "23503",
    );
    // A forged practice in the domain context: the policies refuse the row for A.
    const forged = await pgError(
      asUser("lakeAdmin", "lakeside", (tx) =>
        importBatch(
          { tx, userId: users.lakeAdmin, orgId: orgs.northside, requestId: randomUUID(), afterCommit: () => {} },
          { importId: randomUUID(), rows: [row(2)] },
        ),
      ),
    );
    expect(forged.code).toBe("42501");
    // What B imports lands in B.
    const result = await lake.admin.import.batch({ importId: randomUUID(), rows: [row(2, { mrn: null })] });
    const [stored] = await ownerSql()`select org_id from patients where id = ${result.created[0].id}`;
    expect(stored.org_id).toBe(orgs.lakeside);
  });

  it("formula-like cells are stored as the text they are and leave CSV exports neutralised", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const formulas = ["=1+2", "@SUM(A1:A2)", "+cmd|' /C calc'!A0", '=HYPERLINK("http://x.test","y")'];
    const content =
      "given_name,family_name,birth_date\n" +
      formulas.map((f, i) => `"${f.replace(/"/g, '""')}",${fam(`Formula${i}`)},1970-01-0${i + 1}`).join("\n");
    const preview = await admin.admin.import.preview({ format: "csv", content });
    expect(preview.rows.map((r) => r.errors)).toEqual(formulas.map(() => []));
    const result = await admin.admin.import.batch({
      importId: preview.importId,
      rows: preview.rows.map((r) => r.row!),
    });
    const stored =
      await ownerSql()`select given_name from patients where id in ${ownerSql()(result.created.map((c) => c.id))}
      order by family_name`;
    expect(stored.map((s) => s.given_name)).toEqual(formulas);
    // A spreadsheet opening the app's CSV sees text, not a formula.
    expect(csvRows([formulas])).toBe(
      `"'=1+2","'@SUM(A1:A2)","'+cmd|' /C calc'!A0","'=HYPERLINK(""http://x.test"",""y"")"\r\n`,
    );
  });

  it("two imports at once with the same MRNs store each MRN once", async () => {
    const [a, b] = await Promise.all([callerFor("northAdmin", "northside"), callerFor("northAdmin", "northside")]);
    const tag = randomUUID().slice(0, 6);
    const mrns = Array.from({ length: 20 }, (_, i) => `RACE-${tag}-${String(i).padStart(2, "0")}`);
    // Each MRN is one person (own name and birth date), listed by both files in opposite orders.
    const person = (i: number) => ({
      givenName: `Race${i}`,
      familyName: fam(`Race${tag}${i}`),
      birthDate: `1931-01-${String(i + 1).padStart(2, "0")}`,
    });
    const rowsA = mrns.map((mrn, i) => row(i + 2, { mrn, ...person(i) }));
    const rowsB = [...mrns].reverse().map((mrn, i) => row(i + 2, { mrn, ...person(mrns.length - 1 - i) }));
    // And each draws generated MRNs at the same time, for people of its own.
    const generated = (year: number) =>
      Array.from({ length: 10 }, (_, i) =>
        row(i + 40, {
          mrn: null,
          givenName: `Gen${i}`,
          familyName: fam(`Gen${tag}${year}`),
          birthDate: `${year}-02-${10 + i}`,
        }),
      );
    const [ra, rb] = await Promise.all([
      a.admin.import.batch({ importId: randomUUID(), rows: [...rowsA, ...generated(1932)] }),
      b.admin.import.batch({ importId: randomUUID(), rows: [...rowsB, ...generated(1933)] }),
    ]);
    const stored = await ownerSql()`select mrn, count(*)::int as n from patients
      where mrn like ${`RACE-${tag}-%`} group by mrn`;
    expect(stored).toHaveLength(mrns.length);
    expect(stored.every((s) => s.n === 1)).toBe(true);
    const typed = (r: typeof ra) => r.created.filter((c) => c.mrn.startsWith("RACE-")).length;
    expect(typed(ra) + typed(rb)).toBe(mrns.length);
    expect(ra.skipped.length + rb.skipped.length).toBe(mrns.length);
    const gen = [...ra.created, ...rb.created].filter((c) => !c.mrn.startsWith("RACE-")).map((c) => c.mrn);
    expect(gen).toHaveLength(20);
    expect(new Set(gen).size).toBe(20);
  });
});
