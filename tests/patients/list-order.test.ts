import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import type { DemoOrgKey, DemoUserKey } from "@/server/db/seed/demo-data";
import { asUser, callerFor, demoIds, ownerSql, patientByMrn } from "@/tests/helpers/db";

// The list by name reads its page as an index range (care_team_live_list_idx, app_list_page_ids in
// drizzle/0026_list_order.sql). Whatever the shortcut, the list must be exactly what the policies
// show, in name order, with every source of visibility, and follow renames at once.

type Member = [DemoUserKey, DemoOrgKey];

/** Every id of the caller's list by name, page after page of `limit`, and the first page's total. */
async function pagedList([user, org]: Member, limit: number) {
  const caller = await callerFor(user, org);
  const ids: string[] = [];
  let cursor: string | null = null;
  let total: number | null = null;
  do {
    const page: { items: { id: string }[]; nextCursor: string | null; total: number | null } =
      await caller.patients.list({ limit, cursor });
    if (cursor === null) total = page.total;
    ids.push(...page.items.map((p) => p.id));
    cursor = page.nextCursor;
  } while (cursor);
  return { ids, total };
}

/** What the policies alone show the caller, sorted by the database (no shortcut, no page). */
const policyOrder = ([user, org]: Member) =>
  asUser(user, org, async (tx) =>
    (
      await tx.execute<{ id: string }>(
        sql`select id from patients where archived_at is null order by family_name, given_name, id`,
      )
    ).map((r) => r.id),
  );

const rename = (id: string, familyName: string) =>
  ownerSql()`update patients set family_name = ${familyName} where id = ${id}`;

describe("the patient list by name as an index range", () => {
  const renamed: { id: string; familyName: string }[] = [];
  afterAll(async () => {
    for (const p of renamed) await rename(p.id, p.familyName);
    await ownerSql()`delete from access_grants where reason like 'Vitest order:%'`;
    const archived = await patientByMrn("DEMO-N-0002");
    await (await callerFor("northAdmin", "northside")).patients.restore({ id: archived.id }).catch(() => undefined);
  });

  it("renaming a patient reorders every list it is on", async () => {
    const shared = await patientByMrn("DEMO-N-0015"); // grey and shepherd's, and the admin sees it
    renamed.push({ id: shared.id, familyName: shared.familyName });
    const lists: Member[] = [
      ["grey", "northside"],
      ["shepherd", "northside"],
      ["northAdmin", "northside"],
    ];
    await rename(shared.id, "Aaaaorder");
    for (const member of lists) {
      const { ids } = await pagedList(member, 4);
      expect(ids[0], member.join("@")).toBe(shared.id);
      expect(ids).toEqual(await policyOrder(member));
    }
    await rename(shared.id, "Zzzzorder");
    for (const member of lists) {
      const { ids } = await pagedList(member, 4);
      expect(ids.at(-1), member.join("@")).toBe(shared.id);
      expect(ids).toEqual(await policyOrder(member));
    }
    // Every care-team row carries its patient's current name.
    const [{ stale }] = await ownerSql()`select count(*)::int as stale from care_team ct join patients p
      on p.org_id = ct.org_id and p.id = ct.patient_id
      where ct.sort_family <> p.family_name or ct.sort_given <> p.given_name`;
    expect(stale).toBe(0);
  });

  it("a care-team row takes its sort key from the patient, whatever its inserter wrote", async () => {
    const p = await patientByMrn("DEMO-N-0025"); // on no care team
    const { users } = await demoIds();
    const [row] =
      await ownerSql()`insert into care_team (org_id, clinician_id, patient_id, assigned_by, sort_family, sort_given)
      values (${p.orgId}, ${users.grey}, ${p.id}, ${users.northAdmin}, 'Aaaa', 'Forged') returning sort_family`;
    try {
      expect(row.sort_family).toBe(p.familyName);
    } finally {
      await ownerSql()`delete from care_team where patient_id = ${p.id} and clinician_id = ${users.grey}`;
    }
  });

  it("includes covered and emergency-granted patients in name order, with the policies' total", async () => {
    // house covers locum at Lakeside (the demo's cover).
    const house: Member = ["house", "lakeside"];
    const covered = await pagedList(house, 3);
    expect(covered.ids).toEqual(await policyOrder(house));
    expect(covered.total).toBe(covered.ids.length);
    expect(covered.ids).toContain((await patientByMrn("DEMO-L-0009")).id);

    // grey's emergency grant to a patient on no care team joins her list in its place.
    const grey: Member = ["grey", "northside"];
    const stranger = await patientByMrn("DEMO-N-0026");
    const before = await pagedList(grey, 4);
    expect(before.ids).not.toContain(stranger.id);
    await (
      await callerFor("grey", "northside")
    ).breakGlass.request({ patientId: stranger.id, reason: "Vitest order: seen in the waiting room" });
    const after = await pagedList(grey, 4);
    expect(after.ids).toContain(stranger.id);
    expect(after.ids).toEqual(await policyOrder(grey));
    expect(after.total).toBe(before.total! + 1);
  });

  it("leaves an archived patient out and still fills the page", async () => {
    const grey: Member = ["grey", "northside"];
    const before = await pagedList(grey, 4);
    const archived = await patientByMrn("DEMO-N-0002");
    await (await callerFor("northAdmin", "northside")).patients.archive({ id: archived.id });
    const after = await pagedList(grey, 4);
    expect(after.ids).not.toContain(archived.id);
    expect(after.ids).toEqual(before.ids.filter((id) => id !== archived.id));
    expect(after.total).toBe(before.total! - 1);
    const first = await (await callerFor("grey", "northside")).patients.list({ limit: 4 });
    expect(first.items).toHaveLength(4);
  });

  it("archiving and restoring move the patient's care-team rows out of and back into the live panels", async () => {
    const p = await patientByMrn("DEMO-N-0015"); // grey's and shepherd's
    const admin = await callerFor("northAdmin", "northside");
    const flags = async () =>
      (await ownerSql()`select patient_archived from care_team where patient_id = ${p.id}`).map(
        (r) => r.patient_archived,
      );
    expect(await flags()).toEqual([false, false]);
    await admin.patients.archive({ id: p.id });
    try {
      expect(await flags()).toEqual([true, true]);
      for (const member of [
        ["grey", "northside"],
        ["shepherd", "northside"],
      ] as Member[])
        expect((await pagedList(member, 50)).ids).not.toContain(p.id);
      // A row added while the patient is archived is born archived, whatever its inserter wrote.
      const { users } = await demoIds();
      const [row] =
        await ownerSql()`insert into care_team (org_id, clinician_id, patient_id, assigned_by, patient_archived)
        values (${p.orgId}, ${users.locum}, ${p.id}, ${users.northAdmin}, false) returning patient_archived`;
      expect(row.patient_archived).toBe(true);
      await ownerSql()`delete from care_team where patient_id = ${p.id} and clinician_id = ${users.locum}`;
    } finally {
      await admin.patients.restore({ id: p.id });
    }
    expect(await flags()).toEqual([false, false]);
    expect((await pagedList(["grey", "northside"], 50)).ids).toContain(p.id);
  });

  it("the runtime role cannot mark a care-team row archived or live", async () => {
    const { users } = await demoIds();
    const p = await patientByMrn("DEMO-N-0015");
    const refused = await asUser("northAdmin", "northside", (tx) =>
      tx.execute(
        sql`update care_team set patient_archived = true where patient_id = ${p.id} and clinician_id = ${users.grey}`,
      ),
    ).then(
      () => null,
      (err: { cause?: { code?: string } }) => err.cause?.code,
    );
    expect(refused).toBe("42501");
  });
});
