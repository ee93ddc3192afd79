import { TRPCError } from "@trpc/server";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { demoPanel, demoPatients } from "@/server/db/seed/demo-data";
import { asUser, callerFor, demoIds, ownerSql, patientByMrn, pgError, trpcCode } from "@/tests/helpers/db";

/** Every patient this file registers has this family name (or a `-Onechart` suffix), so it can be removed. */
const FAMILY = "Onecharttest";

const appCodeOf = (p: Promise<unknown>) =>
  p.then(
    () => "OK",
    (err: unknown) =>
      err instanceof TRPCError
        ? ((err.cause as { appCode?: string } | undefined)?.appCode ?? err.code)
        : Promise.reject(err),
  );

const patientCount = async () =>
  (
    await ownerSql()`select count(*)::int as n from patients where family_name = ${FAMILY} or family_name like '%-Onechart'`
  )[0].n as number;

describe("one patient, one chart", () => {
  afterAll(async () => {
    const sqlo = ownerSql();
    const mine = sqlo`select id from patients where family_name = ${FAMILY} or family_name like '%-Onechart'`;
    await sqlo`delete from appointment_reminders where patient_id in (${mine})`;
    await sqlo`delete from appointments where patient_id in (${mine})`;
    await sqlo`delete from clinical_notes where patient_id in (${mine}) and addendum_to is not null`;
    await sqlo`delete from clinical_notes where patient_id in (${mine})`;
    await sqlo`delete from care_team where patient_id in (${mine})`;
    await sqlo`update patients set merged_into = null, merged_at = null where merged_into is not null`;
    await sqlo`delete from patients where family_name = ${FAMILY} or family_name like '%-Onechart'`;
    await sqlo`delete from mrn_sequences`;
  });

  describe("duplicate detection leaks nothing", () => {
    // A Northside patient on Dr Shepherd's team only: Dr Grey may not see them.
    const shepherdOnly = demoPanel("shepherd", "northside").find((p) => !p.team.includes("grey"))!;
    const greys = demoPanel("grey", "northside")[0];

    it("the admin sees the practice's candidates by name and birth date, with their MRN", async () => {
      const admin = await callerFor("northAdmin", "northside");
      const found = await admin.patients.duplicates({
        givenName: shepherdOnly.givenName.toUpperCase(),
        familyName: shepherdOnly.familyName.slice(0, -1),
        birthDate: shepherdOnly.birthDate,
      });
      expect(found.candidates.map((c) => c.mrn)).toEqual([shepherdOnly.mrn]);
      expect(found.candidates[0].reasons).toEqual(["name and birth date"]);
      expect(found.elsewhere).toBe(false);
      // Same name, another birth date: not a candidate.
      const other = await admin.patients.duplicates({
        givenName: shepherdOnly.givenName,
        familyName: shepherdOnly.familyName,
        birthDate: "1901-01-01",
      });
      expect(other).toEqual({ candidates: [], elsewhere: false });
    });

    it("a clinician sees their own patients as candidates, and only a bare yes for a colleague's", async () => {
      const grey = await callerFor("grey", "northside");
      const own = await grey.patients.duplicates({
        givenName: greys.givenName,
        familyName: greys.familyName,
        birthDate: greys.birthDate,
      });
      expect(own.candidates.map((c) => c.mrn)).toEqual([greys.mrn]);
      expect(own.elsewhere).toBe(false);
      const hidden = await grey.patients.duplicates({
        givenName: shepherdOnly.givenName,
        familyName: shepherdOnly.familyName,
        birthDate: shepherdOnly.birthDate,
      });
      // The whole answer: no id, no MRN, no count.
      expect(hidden).toEqual({ candidates: [], elsewhere: true });
    });

    it("another practice's patient with the same name and birth date yields no hint", async () => {
      const lakesidePatient = demoPatients.find((p) => p.org === "lakeside")!;
      for (const [user, org] of [
        ["northAdmin", "northside"],
        ["grey", "northside"],
        ["locum", "northside"],
      ] as const) {
        const caller = await callerFor(user, org);
        expect(
          await caller.patients.duplicates({
            givenName: lakesidePatient.givenName,
            familyName: lakesidePatient.familyName,
            birthDate: lakesidePatient.birthDate,
          }),
        ).toEqual({ candidates: [], elsewhere: false });
      }
      // Dr Locum sees Northside patients in Northside, not from a Lakeside session.
      const locumNorthside = demoPanel("locum", "northside")[0];
      const locumAtLakeside = await callerFor("locum", "lakeside");
      expect(
        await locumAtLakeside.patients.duplicates({
          givenName: locumNorthside.givenName,
          familyName: locumNorthside.familyName,
          birthDate: locumNorthside.birthDate,
        }),
      ).toEqual({ candidates: [], elsewhere: false });
    });

    it("the database function answers only for the caller's practice, and nothing without a context", async () => {
      const ask = (p: { givenName: string; familyName: string; birthDate: string }) =>
        sql`select app_hidden_duplicate_exists(${p.givenName}, ${p.familyName}, ${p.birthDate}::date, null, null) as hidden`;
      const asked = async (user: "house" | "grey" | "lakeAdmin", org: "lakeside" | "northside" | null) =>
        asUser(user, org, async (tx) => (await tx.execute<{ hidden: boolean }>(ask(shepherdOnly)))[0].hidden);
      expect(await asked("grey", "northside")).toBe(true);
      expect(await asked("house", "lakeside")).toBe(false);
      expect(await asked("lakeAdmin", "lakeside")).toBe(false);
      expect(await asked("grey", null)).toBe(false);
      // Executable only by the runtime group: not by PUBLIC.
      const [acl] = await ownerSql()`
        select has_function_privilege('public', 'app_hidden_duplicate_exists(text, text, date, text, text)', 'EXECUTE') as pub`;
      expect(acl.pub).toBe(false);
    });

    it("phone digits and email match too, the same way", async () => {
      const { orgs, users } = await demoIds();
      const [colleague] = await ownerSql()`
        insert into patients (org_id, mrn, given_name, family_name, birth_date, phone, email, created_by)
        values (${orgs.northside}, 'T-ONECHART-PH', 'Pia', ${FAMILY}, '1977-07-07', '+1 (555) 010-4477', 'Pia.Test@example.test', ${users.northAdmin})
        returning id`;
      const admin = await callerFor("northAdmin", "northside");
      const grey = await callerFor("grey", "northside");
      const byPhone = { givenName: "Zed", familyName: "Other", birthDate: "1990-01-01", phone: "+1.555.010.4477" };
      expect((await admin.patients.duplicates(byPhone)).candidates).toMatchObject([
        { id: colleague.id, reasons: ["phone"] },
      ]);
      expect(await grey.patients.duplicates(byPhone)).toEqual({ candidates: [], elsewhere: true });
      const byEmail = {
        givenName: "Zed",
        familyName: "Other",
        birthDate: "1990-01-01",
        email: "pia.test@EXAMPLE.test",
      };
      expect((await admin.patients.duplicates(byEmail)).candidates).toMatchObject([
        { id: colleague.id, reasons: ["email"] },
      ]);
      expect(await grey.patients.duplicates(byEmail)).toEqual({ candidates: [], elsewhere: true });
      const house = await callerFor("house", "lakeside");
      expect(await house.patients.duplicates(byPhone)).toEqual({ candidates: [], elsewhere: false });
    });

    it("registration is refused without a reason (nothing written) and audited with it", async () => {
      const grey = await callerFor("grey", "northside");
      const before = await patientCount();
      const again = {
        givenName: "Pia",
        familyName: FAMILY,
        birthDate: "1977-07-07",
        sex: "female" as const,
        mrn: "",
      };
      expect(await appCodeOf(grey.patients.create(again))).toBe("POSSIBLE_DUPLICATE");
      expect(await patientCount()).toBe(before);
      expect(await trpcCode(grey.patients.create({ ...again, duplicateReason: "short" }))).toBe("BAD_REQUEST");
      expect(await patientCount()).toBe(before);
      const created = await grey.patients.create({ ...again, duplicateReason: "Her twin sister, same birthday" });
      const [row] = await ownerSql()`
        select detail from audit_events where patient_id = ${created.id} and action = 'patient.create'`;
      expect(row.detail).toMatchObject({
        mrnGenerated: true,
        duplicateReason: "Her twin sister, same birthday",
        duplicateCandidateIds: [],
        duplicateElsewhere: true,
      });
    });
  });

  describe("MRNs generated by the practice", () => {
    it("a blank MRN takes the next one with the admin's prefix; only the admin sets the prefix", async () => {
      const admin = await callerFor("northAdmin", "northside");
      const grey = await callerFor("grey", "northside");
      expect(await trpcCode(grey.patients.setMrnPrefix({ prefix: "GR-" }))).toBe("FORBIDDEN");
      // Below the procedure's gate, the policies refuse the clinician's write too.
      const { orgs } = await demoIds();
      expect(
        (
          await pgError(
            asUser("grey", "northside", (tx) =>
              tx.execute(sql`insert into mrn_sequences (org_id, prefix) values (${orgs.northside}, 'GR-')`),
            ),
          )
        ).code,
      ).toBe("42501");
      expect(await trpcCode(admin.patients.setMrnPrefix({ prefix: "bad prefix!" }))).toBe("BAD_REQUEST");
      await admin.patients.setMrnPrefix({ prefix: "NS-" });
      expect((await grey.patients.mrnSettings()).prefix).toBe("NS-");
      const created = await grey.patients.create({
        givenName: "Mira",
        familyName: FAMILY,
        birthDate: "1961-03-04",
        sex: "female",
      });
      expect(created.mrn).toMatch(/^NS-\d{6}$/);
      // Lakeside's prefix is its own.
      expect((await (await callerFor("lakeAdmin", "lakeside")).patients.mrnSettings()).prefix).toBe("");
    });

    it("skips a number someone typed by hand", async () => {
      const admin = await callerFor("northAdmin", "northside");
      const { example } = await admin.patients.mrnSettings();
      const typed = await admin.patients.create({
        mrn: example,
        givenName: "Typed",
        familyName: FAMILY,
        birthDate: "1950-02-02",
        sex: "male",
      });
      const next = await admin.patients.create({
        givenName: "Next",
        familyName: FAMILY,
        birthDate: "1951-03-03",
        sex: "male",
      });
      expect(typed.mrn).toBe(example);
      expect(next.mrn).not.toBe(example);
      expect(next.mrn > example).toBe(true);
    });

    it("twenty registrations at once never get the same MRN", async () => {
      const callers = await Promise.all(
        Array.from({ length: 4 }, (_, i) => callerFor(i % 2 ? "grey" : "shepherd", "northside")),
      );
      const created = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          callers[i % callers.length].patients.create({
            givenName: `Race${String.fromCharCode(65 + i)}`,
            familyName: `Q${String.fromCharCode(65 + i)}x${i}-Onechart`,
            birthDate: `19${String(20 + i).padStart(2, "0")}-0${(i % 9) + 1}-1${i % 9}`,
            sex: "unknown",
          }),
        ),
      );
      const mrns = created.map((p) => p.mrn);
      expect(new Set(mrns).size).toBe(20);
      for (const m of mrns) expect(m).toMatch(/^NS-\d{6}$/);
    });

    it("only an admin changes an MRN, down to the database", async () => {
      const admin = await callerFor("northAdmin", "northside");
      const grey = await callerFor("grey", "northside");
      const mine = await grey.patients.create({
        givenName: "Edit",
        familyName: FAMILY,
        birthDate: "1944-04-04",
        sex: "other",
      });
      expect(await trpcCode(grey.patients.update({ id: mine.id, version: mine.version, mrn: "T-ONECHART-X" }))).toBe(
        "FORBIDDEN",
      );
      const changed = await admin.patients.update({ id: mine.id, version: mine.version, mrn: "T-ONECHART-X" });
      expect(changed.mrn).toBe("T-ONECHART-X");
      // Another chart's MRN: CONFLICT, unchanged.
      const taken = demoPanel("grey", "northside")[0].mrn;
      expect(await trpcCode(admin.patients.update({ id: mine.id, version: changed.version, mrn: taken }))).toBe(
        "CONFLICT",
      );
    });
  });

  describe("front-desk details", () => {
    it("are stored, validated and editable on the chart", async () => {
      const grey = await callerFor("grey", "northside");
      const created = await grey.patients.create({
        givenName: "Front",
        familyName: FAMILY,
        birthDate: "1988-08-08",
        sex: "female",
        preferredName: "Frankie",
        pronouns: "she/her",
        addressLine: "1 Example Street",
        addressCity: "Sampletown",
        addressRegion: "Demo County",
        addressPostalCode: "ab1 2cd",
        addressCountry: "gb",
        emergencyName: "Test Contact",
        emergencyRelationship: "sibling",
        emergencyPhone: "+44 20 7946 0000",
        insurancePayer: "Example Health",
        insuranceMemberId: "EX-123",
      });
      expect(created).toMatchObject({ addressPostalCode: "AB1 2CD", addressCountry: "GB", pronouns: "she/her" });
      const bad = await trpcCode(
        grey.patients.create({
          givenName: "Bad",
          familyName: FAMILY,
          birthDate: "1988-08-09",
          sex: "female",
          addressCountry: "Britain",
        }),
      );
      expect(bad).toBe("BAD_REQUEST");
      expect(
        await trpcCode(
          grey.patients.update({ id: created.id, version: created.version, emergencyRelationship: "cousin" as never }),
        ),
      ).toBe("BAD_REQUEST");
      const edited = await grey.patients.update({ id: created.id, version: created.version, insurancePayer: "" });
      expect(edited.insurancePayer).toBeNull();
    });
  });

  describe("merge", () => {
    async function twoCharts() {
      const grey = await callerFor("grey", "northside");
      const keep = await grey.patients.create({
        givenName: "Ada",
        familyName: FAMILY,
        birthDate: "1940-01-01",
        sex: "female",
        duplicateReason: "Set up for the merge test",
      });
      const merge = await grey.patients.create({
        givenName: "Ada",
        familyName: FAMILY,
        birthDate: "1940-01-01",
        sex: "female",
        duplicateReason: "Set up for the merge test",
      });
      return { grey, keep, merge };
    }

    it("is refused to clinicians and across practices, down to the database", async () => {
      const { grey, keep, merge } = await twoCharts();
      expect(await trpcCode(grey.patients.merge({ keepId: keep.id, mergeId: merge.id }))).toBe("FORBIDDEN");
      expect(
        (
          await pgError(
            asUser("grey", "northside", (tx) => tx.execute(sql`select app_merge_patients(${keep.id}, ${merge.id})`)),
          )
        ).code,
      ).toBe("42501");
      const lakesideAdmin = await callerFor("lakeAdmin", "lakeside");
      expect(await trpcCode(lakesideAdmin.patients.merge({ keepId: keep.id, mergeId: merge.id }))).toBe("NOT_FOUND");
      // Its own patient with another practice's: the function refuses what is not in the caller's practice.
      const lakeside = await patientByMrn(demoPanel("house", "lakeside")[0].mrn);
      expect(
        (
          await pgError(
            asUser("lakeAdmin", "lakeside", (tx) =>
              tx.execute(sql`select app_merge_patients(${lakeside.id}, ${merge.id})`),
            ),
          )
        ).code,
      ).toBe("23503");
      const admin = await callerFor("northAdmin", "northside");
      expect(await trpcCode(admin.patients.merge({ keepId: keep.id, mergeId: keep.id }))).toBe("BAD_REQUEST");
      const [{ archived }] = await ownerSql()`
        select count(*)::int as archived from patients where id in (${keep.id}, ${merge.id}) and archived_at is not null`;
      expect(archived).toBe(0);
    });

    it("moves visits and the care team, keeps signed notes untouched, and leaves a redirect", async () => {
      const { grey, keep, merge } = await twoCharts();
      const { users } = await demoIds();
      const visit = await grey.appointments.create({
        patientId: merge.id,
        startsAt: new Date(Date.now() + 86_400_000 * 40),
        durationMinutes: 20,
        reason: "Follow-up",
      });
      const note = await grey.notes.create({ patientId: merge.id, body: "Seen for a test. Signed text." });
      await grey.notes.sign({ id: note.id });
      const [signedBefore] = await ownerSql()`select body, signed_at, status from clinical_notes where id = ${note.id}`;
      await ownerSql()`insert into care_team (org_id, clinician_id, patient_id, assigned_by)
        select org_id, ${users.shepherd}, id, ${users.northAdmin} from patients where id = ${merge.id}`;

      const admin = await callerFor("northAdmin", "northside");
      const result = await admin.patients.merge({ keepId: keep.id, mergeId: merge.id });
      expect(result.moved).toEqual({ appointments: 1, careTeam: 1, notes: 1 });

      const [moved] = await ownerSql()`select patient_id from appointments where id = ${visit.id}`;
      expect(moved.patient_id).toBe(keep.id);
      const team =
        await ownerSql()`select clinician_id, patient_id from care_team where patient_id in (${keep.id}, ${merge.id})`;
      expect(team.map((t) => t.patient_id)).toEqual([keep.id, keep.id]);
      const [signedAfter] =
        await ownerSql()`select body, signed_at, status, patient_id from clinical_notes where id = ${note.id}`;
      expect(signedAfter).toEqual({ ...signedBefore, patient_id: merge.id });

      // The kept chart shows the note, to its care team; the merged chart is gone from their view.
      const shepherd = await callerFor("shepherd", "northside");
      expect((await shepherd.notes.list({ patientId: keep.id })).map((n) => n.id)).toEqual([note.id]);
      expect(await trpcCode(shepherd.patients.byId({ id: merge.id }))).toBe("NOT_FOUND");
      expect(await shepherd.patients.redirect({ id: merge.id })).toEqual({ to: keep.id });
      // A clinician who cannot see the kept chart learns nothing from the redirect.
      const locum = await callerFor("locum", "northside");
      expect(await locum.patients.redirect({ id: merge.id })).toEqual({ to: null });
      // Nor its notes, down to the database; the kept chart's care team reads them.
      const noteSeenBy = (who: "locum" | "shepherd") =>
        asUser(who, "northside", (tx) => tx.execute(sql`select id from clinical_notes where id = ${note.id}`));
      expect(await noteSeenBy("locum")).toHaveLength(0);
      expect(await noteSeenBy("shepherd")).toHaveLength(1);
      // Seeing a merged chart opens that chart's history only: not a note history of grey's own patient.
      const greyOnly = await patientByMrn(
        demoPanel("grey", "northside").find((p) => !p.team.includes("shepherd"))!.mrn,
      );
      const greyNote = await grey.notes.create({ patientId: greyOnly.id, body: "Grey's own patient. Draft." });
      const historySeenBy = (who: "grey" | "shepherd") =>
        asUser(who, "northside", (tx) =>
          tx.execute(sql`select id from clinical_note_versions where note_id = ${greyNote.id}`),
        );
      expect(await historySeenBy("shepherd")).toHaveLength(0);
      expect(await historySeenBy("grey")).toHaveLength(1);
      expect(await (await callerFor("lakeAdmin", "lakeside")).patients.redirect({ id: merge.id })).toEqual({
        to: null,
      });

      const [mergedRow] = await ownerSql()`select archived_at, merged_into from patients where id = ${merge.id}`;
      expect(mergedRow.archived_at).not.toBeNull();
      expect(mergedRow.merged_into).toBe(keep.id);
      expect(await appCodeOf(admin.patients.restore({ id: merge.id }))).toBe("MERGED_CHART");
      expect(await appCodeOf(admin.patients.merge({ keepId: keep.id, mergeId: merge.id }))).toBe("MERGED_CHART");

      const [audit] = await ownerSql()`
        select actor_id, detail from audit_events where patient_id = ${keep.id} and action = 'patient.merge'`;
      expect(audit).toEqual({
        actor_id: users.northAdmin,
        detail: { mergedPatientId: merge.id, appointments: 1, careTeam: 1, notes: 1 },
      });
    });
  });
});
