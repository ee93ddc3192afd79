import { TRPCError } from "@trpc/server";
import { afterAll, describe, expect, it } from "vitest";
import { demoPanel, fullName } from "@/server/db/seed/demo-data";
import { callerFor, callerWith, demoIds, ownerSql, patientByMrn, sessionFor, trpcCode } from "@/tests/helpers/db";

describe("patients router", () => {
  // Other files compare with the demo seed: remove what this file commits.
  afterAll(async () => {
    await ownerSql()`delete from care_team where patient_id in (select id from patients where family_name = 'Createtest')`;
    await ownerSql()`delete from patients where family_name = 'Createtest'`;
  });

  it("list pages through exactly the caller's patients in name order, with an audit row per page", async () => {
    const grey = await callerFor("grey", "northside");
    const { users } = await demoIds();
    const [{ before }] =
      await ownerSql()`select count(*)::int as before from audit_events where actor_id = ${users.grey} and action = 'patient.list'`;
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    const totals: (number | null)[] = [];
    do {
      const page: {
        items: { givenName: string; familyName: string }[];
        nextCursor: string | null;
        total: number | null;
      } = await grey.patients.list({ limit: 4, cursor });
      seen.push(...page.items.map(fullName));
      totals.push(page.total);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    const panel = demoPanel("grey", "northside");
    expect(seen.sort()).toEqual(panel.map(fullName).sort());
    expect(pages).toBe(Math.ceil(panel.length / 4));
    // The whole panel's count comes with the first page only.
    expect(totals).toEqual([panel.length, ...Array(pages - 1).fill(null)]);
    const [{ after }] =
      await ownerSql()`select count(*)::int as after from audit_events where actor_id = ${users.grey} and action = 'patient.list'`;
    expect(after - before).toBe(pages);
  });

  it("a list names patients and leaves how to reach them, where they live and who insures them to the chart", async () => {
    const grey = await callerFor("grey", "northside");
    const [item] = (await grey.patients.list({ limit: 1 })).items;
    const chart = await grey.patients.byId({ id: item.id });
    expect(chart.phone).not.toBeNull();
    expect(Object.keys(item)).toEqual(expect.arrayContaining(["id", "mrn", "givenName", "familyName", "birthDate"]));
    for (const field of [
      "phone",
      "email",
      "addressLine",
      "addressCity",
      "emergencyName",
      "insurancePayer",
      "insuranceMemberId",
    ])
      expect(item).not.toHaveProperty(field);
  });

  it("search matches name and MRN, and treats % and _ literally", async () => {
    const grey = await callerFor("grey", "northside");
    const panel = demoPanel("grey", "northside");
    const byFamily = await grey.patients.list({ search: panel[0].familyName.slice(0, 5) });
    expect(byFamily.items.map(fullName)).toContain(fullName(panel[0]));
    const byMrn = await grey.patients.list({ search: panel[1].mrn });
    expect(byMrn.items.map((p) => p.mrn)).toEqual([panel[1].mrn]);
    expect(byMrn.total).toBe(1);
    expect((await grey.patients.list({ search: "", limit: 1 })).total).toBe(panel.length);
    expect((await grey.patients.list({ search: "%" })).items).toEqual([]);
    // A colleague's patient is not found by search either.
    const other = demoPanel("shepherd", "northside").find((p) => !p.team.includes("grey"))!;
    expect((await grey.patients.list({ search: other.mrn })).items).toEqual([]);
  });

  it("create puts a clinician on the care team and audits it; a failed create leaves nothing", async () => {
    const shepherd = await callerFor("shepherd", "northside");
    const created = await shepherd.patients.create({
      mrn: "T-CREATE-1",
      givenName: "Nova",
      familyName: "Createtest",
      birthDate: "1985-05-05",
      sex: "female",
      phone: "",
      email: "",
    });
    expect(created.phone).toBeNull();
    expect(await shepherd.patients.byId({ id: created.id })).toMatchObject({ mrn: "T-CREATE-1" });
    const [audit] =
      await ownerSql()`select count(*)::int as n from audit_events where patient_id = ${created.id} and action = 'patient.create'`;
    expect(audit.n).toBe(1);
    // Same MRN again: CONFLICT, and no second patient, care-team or audit row.
    expect(
      await trpcCode(
        shepherd.patients.create({
          mrn: "T-CREATE-1",
          givenName: "Dup",
          familyName: "Createtest",
          birthDate: "1985-05-05",
          sex: "male",
        }),
      ),
    ).toBe("CONFLICT");
    const [{ n }] = await ownerSql()`select count(*)::int as n from patients where family_name = 'Createtest'`;
    expect(n).toBe(1);
  });

  it("bad input is BAD_REQUEST with the field named", async () => {
    const grey = await callerFor("grey", "northside");
    try {
      // A blank MRN is generated; a malformed one is refused.
      await grey.patients.create({
        mrn: "bad mrn!",
        givenName: "x",
        familyName: "y",
        birthDate: "2999-01-01",
        sex: "female",
      });
      expect.unreachable();
    } catch (err) {
      expect((err as TRPCError).code).toBe("BAD_REQUEST");
      const fields = ((err as TRPCError).cause as unknown as { issues: { path: string[] }[] }).issues.map(
        (i) => i.path[0],
      );
      expect([...new Set(fields)].sort()).toEqual(["birthDate", "mrn"]);
    }
  });

  it("text PostgreSQL cannot store (a NUL character) is BAD_REQUEST and writes nothing", async () => {
    const grey = await callerFor("grey", "northside");
    expect(
      await trpcCode(
        grey.patients.create({
          mrn: "T-NUL-1",
          givenName: "Nu\u0000l",
          familyName: "Createtest",
          birthDate: "1985-05-05",
          sex: "female",
        }),
      ),
    ).toBe("BAD_REQUEST");
    const [{ n }] = await ownerSql()`select count(*)::int as n from patients where mrn = 'T-NUL-1'`;
    expect(n).toBe(0);
  });

  it("an update based on a stale version is refused and the newer data kept", async () => {
    const grey = await callerFor("grey", "northside");
    const [p] = (await grey.patients.list({ limit: 1 })).items;
    const first = await grey.patients.update({ id: p.id, version: p.version, phone: "555-0101" });
    expect(first.version).toBe(p.version + 1);
    expect(await trpcCode(grey.patients.update({ id: p.id, version: p.version, phone: "555-0102" }))).toBe("CONFLICT");
    expect((await grey.patients.byId({ id: p.id })).phone).toBe("555-0101");
  });

  it("update and byId on a hidden patient answer NOT_FOUND; archive by a clinician FORBIDDEN", async () => {
    const grey = await callerFor("grey", "northside");
    const hidden = await patientByMrn("DEMO-N-0025");
    expect(await trpcCode(grey.patients.byId({ id: hidden.id }))).toBe("NOT_FOUND");
    expect(await trpcCode(grey.patients.update({ id: hidden.id, version: 1, phone: "555-0100" }))).toBe("NOT_FOUND");
    expect(await trpcCode(grey.patients.archive({ id: hidden.id }))).toBe("FORBIDDEN");
  });

  it("an admin archives and restores; the archived patient leaves the clinician's list", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const grey = await callerFor("grey", "northside");
    const [p] = (await grey.patients.list({ limit: 1 })).items;
    await admin.patients.archive({ id: p.id });
    expect(await trpcCode(grey.patients.byId({ id: p.id }))).toBe("NOT_FOUND");
    expect((await admin.patients.list({ includeArchived: true, search: p.mrn })).items).toHaveLength(1);
    await admin.patients.restore({ id: p.id });
    expect((await grey.patients.byId({ id: p.id })).archivedAt).toBeNull();
  });

  it("a Northside admin acting on a Lakeside id changes nothing", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const lake = await patientByMrn("DEMO-L-0001");
    expect(await trpcCode(admin.patients.archive({ id: lake.id }))).toBe("NOT_FOUND");
    expect(await trpcCode(admin.patients.update({ id: lake.id, version: lake.version, phone: "555-0100" }))).toBe(
      "NOT_FOUND",
    );
    const [after] = await ownerSql()`select version, archived_at from patients where id = ${lake.id}`;
    expect(after).toEqual({ version: lake.version, archived_at: null });
  });

  it("me.switchOrg accepts an active membership and refuses any other org", async () => {
    const session = await sessionFor("locum", "northside");
    const locum = callerWith(session);
    const { orgs } = await demoIds();
    expect((await locum.me.switchOrg({ orgId: orgs.lakeside })).slug).toBe("lakeside");
    const grey = await callerFor("grey", "northside");
    expect(await trpcCode(grey.me.switchOrg({ orgId: orgs.lakeside }))).toBe("FORBIDDEN");
    // The database moved the session: a token still naming Northside is refused until it follows.
    expect(await trpcCode(locum.me.get())).toBe("FORBIDDEN");
    const me = await callerWith({ ...session, orgId: orgs.lakeside }).me.get();
    expect(me.memberships.map((m) => m.slug).sort()).toEqual(["lakeside", "northside"]);
  });
});
