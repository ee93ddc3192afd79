import { afterAll, describe, expect, it } from "vitest";
import { formatDate } from "@/lib/time";
import { demoPanel, demoPatients, type DemoPatient } from "@/server/db/seed/demo-data";
import { callerFor, ownerSql, patientIdByMrn, trpcCode } from "@/tests/helpers/db";

// The list's search finds a patient by every form a person types (the list's own "Family, Given"
// among them), and the policies still decide who appears: never an off-team patient, never
// another practice's.
const greyOwn = demoPanel("grey", "northside")[2];
const shepherdOnly = demoPanel("shepherd", "northside").find(
  (p) => !demoPanel("grey", "northside").some((g) => g.mrn === p.mrn),
)!;
const lakeside = demoPatients.find((p) => p.org === "lakeside")!;

const forms = (p: DemoPatient) => ({
  "Family, Given": `${p.familyName}, ${p.givenName}`,
  "Family,Given (no space)": `${p.familyName},${p.givenName}`,
  "Given Family": `${p.givenName} ${p.familyName}`,
  "part of the family name": p.familyName.slice(1, 6).toLowerCase(),
  MRN: p.mrn,
  "birth date as the app writes it": formatDate(p.birthDate),
  "birth date ISO": p.birthDate,
  "birth year": p.birthDate.slice(0, 4),
});

async function found(user: "grey" | "northAdmin" | "lakeAdmin", search: string) {
  const caller = await callerFor(user, user === "lakeAdmin" ? "lakeside" : "northside");
  const { items } = await caller.patients.list({ search, limit: 100 });
  return items.map((p) => p.mrn);
}

describe("patient search", () => {
  for (const [form, term] of Object.entries(forms(greyOwn))) {
    it(`finds a care-team patient by ${form} ("${term}")`, async () => {
      expect(await found("grey", term)).toContain(greyOwn.mrn);
    });
  }

  it("matches the birth date exactly and the year by range", async () => {
    const byDate = await found("northAdmin", formatDate(greyOwn.birthDate));
    const sameDay = demoPatients.filter((p) => p.org === "northside" && p.birthDate === greyOwn.birthDate);
    expect(byDate.sort()).toEqual(sameDay.map((p) => p.mrn).sort());
    const year = greyOwn.birthDate.slice(0, 4);
    const byYear = await found("northAdmin", year);
    const sameYear = demoPatients.filter((p) => p.org === "northside" && p.birthDate.startsWith(year));
    expect(byYear.sort()).toEqual(sameYear.map((p) => p.mrn).sort());
  });

  for (const [form, term] of Object.entries(forms(shepherdOnly))) {
    it(`never shows an off-team patient to a clinician, by ${form} ("${term}"); the admin finds them`, async () => {
      expect(await found("grey", term)).not.toContain(shepherdOnly.mrn);
      expect(await found("northAdmin", term)).toContain(shepherdOnly.mrn);
    });
  }

  for (const [form, term] of Object.entries(forms(lakeside))) {
    it(`never shows another practice's patient, by ${form} ("${term}")`, async () => {
      expect(await found("grey", term)).not.toContain(lakeside.mrn);
      expect(await found("northAdmin", term)).not.toContain(lakeside.mrn);
      expect(await found("lakeAdmin", term)).toContain(lakeside.mrn);
    });
  }

  it("treats LIKE wildcards as text and refuses an over-long term as bad input", async () => {
    expect(await found("northAdmin", "%")).toEqual([]);
    expect(await found("northAdmin", "_")).toEqual([]);
    const admin = await callerFor("northAdmin", "northside");
    expect(await trpcCode(admin.patients.list({ search: "x".repeat(101) }))).toBe("BAD_REQUEST");
  });

  describe("an archived patient", () => {
    let archived = "";
    afterAll(async () => {
      if (archived) await (await callerFor("northAdmin", "northside")).patients.restore({ id: archived });
    });
    it("is no longer found by its clinician (the policy drops archived patients)", async () => {
      const patient = demoPanel("grey", "northside")[3];
      archived = await patientIdByMrn(patient.mrn);
      await (await callerFor("northAdmin", "northside")).patients.archive({ id: archived });
      expect(await found("grey", `${patient.familyName}, ${patient.givenName}`)).not.toContain(patient.mrn);
      expect(await found("grey", patient.mrn)).not.toContain(patient.mrn);
    });
  });

  it("uses the indexes: the trigram index for text and the birth-date index for a date", async () => {
    const sql = ownerSql();
    const plan = async (where: string) => {
      const rows = await sql.begin(async (tx) => {
        await tx`set local enable_seqscan = off`;
        return tx.unsafe(`explain select id from patients where ${where}`);
      });
      return rows.map((r) => Object.values(r)[0]).join("\n");
    };
    expect(
      await plan(
        `(family_name || ', ' || given_name || ' ' || given_name || ' ' || family_name || ' ' || mrn) ilike '%applegate, ada%'`,
      ),
    ).toContain("patients_search_trgm_idx");
    expect(await plan(`org_id = '00000000-0000-0000-0000-000000000000' and birth_date = '1979-04-04'`)).toContain(
      "patients_org_birth_idx",
    );
  });
});
