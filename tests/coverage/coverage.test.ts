import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { coverage, patients } from "@/server/db/schema";
import { asUser, callerFor, demoIds, ownerPanel, ownerSql, pgError, trpcCode } from "@/tests/helpers/db";

// Cover widens what the covering clinician sees to exactly the covered
// clinician's panel, only inside its window; nobody grants cover to themselves.

const inDays = (d: number) => new Date(Date.now() + d * 24 * 3600_000);
const seenBy = async (user: "shepherd" | "grey" | "locum", org: "northside" = "northside") =>
  (await asUser(user, org, (tx) => tx.select({ id: patients.id }).from(patients))).map((p) => p.id).sort();

describe("coverage", () => {
  const cleanup = async () => {
    await ownerSql()`delete from coverage where reason like 'Vitest%'`;
  };
  afterEach(cleanup);
  afterAll(cleanup);

  it("while active, the covering clinician sees exactly their own plus the covered clinician's panel — read and write", async () => {
    const { users } = await demoIds();
    const before = await seenBy("shepherd");
    expect(before).toEqual(await ownerPanel("shepherd", "northside"));
    const grey = await callerFor("grey", "northside");
    const row = await grey.coverage.create({
      coveringId: users.shepherd,
      endsAt: inDays(3),
      reason: "Vitest: grey on leave",
    });
    expect(row).toMatchObject({
      coveringId: users.shepherd,
      coveredId: users.grey,
      createdBy: users.grey,
      endedAt: null,
    });
    const greyPanel = await seenBy("grey");
    const during = await seenBy("shepherd");
    expect(during).toEqual([...new Set([...before, ...greyPanel])].sort());
    expect(during).toEqual(await ownerPanel("shepherd", "northside"));
    // Write, too: a note on a grey-only patient, through the procedure.
    const greyOnly = greyPanel.find((id) => !before.includes(id))!;
    const shepherd = await callerFor("shepherd", "northside");
    const note = await shepherd.notes.create({ patientId: greyOnly, body: "Vitest: seen while covering" });
    expect((await shepherd.patients.byId({ id: greyOnly })).access).toMatchObject({
      via: "coverage",
      cover: { coveredName: "Dr. Meredith Grey" },
    });
    // Nothing beyond grey's panel: not locum's, not the unassigned ones, not grey's grants.
    const [{ n }] =
      await ownerSql()`select count(*)::int as n from patients where org_id = (select org_id from memberships where user_id = ${users.grey}) and archived_at is null`;
    expect(during.length).toBeLessThan(n);
    // Ended early: access ends on the next statement, no job.
    await grey.coverage.end({ id: row.id });
    expect(await seenBy("shepherd")).toEqual(before);
    expect(await trpcCode(shepherd.patients.byId({ id: greyOnly }))).toBe("NOT_FOUND");
    expect(await trpcCode(grey.coverage.end({ id: row.id }))).toBe("NOT_FOUND");
    await ownerSql()`delete from clinical_notes where id = ${note.id}`;
  });

  it("grants nothing before it starts or after it ends, and does not pass on the covered clinician's own cover or grants", async () => {
    const { users, orgs } = await demoIds();
    const before = await seenBy("shepherd");
    const insert = (starts: string, ends: string, covering = users.shepherd, covered = users.grey) => ownerSql()`
      insert into coverage (org_id, covering_id, covered_id, reason, starts_at, ends_at, created_by)
      values (${orgs.northside}, ${covering}, ${covered}, 'Vitest window', now() + ${starts}::interval, now() + ${ends}::interval, ${users.northAdmin})`;
    await insert("1 hour", "2 days"); // future
    await insert("-10 days", "-1 second"); // past
    expect(await seenBy("shepherd")).toEqual(before);
    // Chained: grey covers locum, shepherd covers grey → shepherd does not see locum's patients.
    await insert("-1 minute", "1 day", users.grey, users.locum);
    await insert("-1 minute", "1 day", users.shepherd, users.grey);
    const locumOnly =
      await ownerSql()`select ct.patient_id as id from care_team ct where ct.clinician_id = ${users.locum} and ct.org_id = ${orgs.northside}`;
    const seen = await seenBy("shepherd");
    expect(locumOnly.length).toBeGreaterThan(0);
    expect(seen.some((id) => locumOnly.some((l) => l.id === id))).toBe(false);
    expect((await seenBy("grey")).some((id) => locumOnly.some((l) => l.id === id))).toBe(true);
    // The 30-day limit is the table's.
    expect((await pgError(insert("0 seconds", "31 days"))).code).toBe("23514");
  });

  it("no self-granted cover: not as the covering clinician, not for someone else's panel; admins only between two others", async () => {
    const { users, orgs } = await demoIds();
    const grey = await callerFor("grey", "northside");
    const shepherd = await callerFor("shepherd", "northside");
    const admin = await callerFor("northAdmin", "northside");
    const base = { endsAt: inDays(2), reason: "Vitest: self grant" };
    // Shepherd "covers grey" on his own say-so: refused (he is not the covered clinician).
    expect(
      await trpcCode(shepherd.coverage.create({ ...base, coveringId: users.shepherd, coveredId: users.grey })),
    ).toBe("FORBIDDEN");
    // Grey names locum to cover shepherd: refused.
    expect(await trpcCode(grey.coverage.create({ ...base, coveringId: users.locum, coveredId: users.shepherd }))).toBe(
      "FORBIDDEN",
    );
    // Covering oneself: refused.
    expect(await trpcCode(grey.coverage.create({ ...base, coveringId: users.grey }))).not.toBe("OK");
    // The admin: not as the covering one (an admin is no clinician here either), but between two clinicians yes.
    expect(
      await trpcCode(admin.coverage.create({ ...base, coveringId: users.northAdmin, coveredId: users.grey })),
    ).not.toBe("OK");
    const arranged = await admin.coverage.create({ ...base, coveringId: users.locum, coveredId: users.shepherd });
    expect(arranged.createdBy).toBe(users.northAdmin);
    // The same with SQL, straight at the policies.
    await asUser("shepherd", "northside", async (tx) => {
      const row = { orgId: orgs.northside, reason: "Vitest sql", endsAt: inDays(1), createdBy: users.shepherd };
      expect(
        (
          await pgError(
            tx.transaction((sp) =>
              sp.insert(coverage).values({ ...row, coveringId: users.shepherd, coveredId: users.grey }),
            ),
          )
        ).code,
      ).toBe("42501");
      expect(
        (
          await pgError(
            tx.transaction((sp) =>
              sp.insert(coverage).values({ ...row, coveringId: users.locum, coveredId: users.grey }),
            ),
          )
        ).code,
      ).toBe("42501");
      expect(
        (
          await pgError(
            tx.transaction((sp) =>
              sp
                .insert(coverage)
                .values({ ...row, coveringId: users.grey, coveredId: users.shepherd, createdBy: users.grey }),
            ),
          )
        ).code,
      ).toBe("42501");
      // Nor can a party rewrite a coverage to reach further (only ended_at/ended_by are writable).
      expect(
        (
          await pgError(
            tx.transaction((sp) =>
              sp
                .update(coverage)
                .set({ endsAt: inDays(29) })
                .where(eq(coverage.id, arranged.id)),
            ),
          )
        ).code,
      ).toBe("42501");
    });
    await asUser("northAdmin", "northside", async (tx) => {
      const row = { orgId: orgs.northside, reason: "Vitest sql", endsAt: inDays(1), createdBy: users.northAdmin };
      // Refused twice over: the trigger (an admin is not a clinician) fires first, the policy (covering ≠ self) after.
      expect(["23514", "42501"]).toContain(
        (
          await pgError(
            tx.transaction((sp) =>
              sp.insert(coverage).values({ ...row, coveringId: users.northAdmin, coveredId: users.grey }),
            ),
          )
        ).code,
      );
      expect(
        (
          await pgError(
            tx.transaction((sp) =>
              sp
                .insert(coverage)
                .values({ ...row, coveringId: users.locum, coveredId: users.grey, createdBy: users.grey }),
            ),
          )
        ).code,
      ).toBe("42501");
      // Nor one born ended, as if someone had ended it: a cover is only ever ended by an update.
      expect(
        (
          await pgError(
            tx.transaction((sp) =>
              sp.insert(coverage).values({
                ...row,
                coveringId: users.locum,
                coveredId: users.grey,
                endedAt: new Date(),
                endedBy: users.grey,
              }),
            ),
          )
        ).message,
      ).toMatch(/new row violates row-level security policy/);
    });
    // Lakeside's clinician cannot be named at Northside (no active clinician membership here).
    expect(await trpcCode(grey.coverage.create({ ...base, coveringId: users.house }))).not.toBe("OK");
    const [{ n }] =
      await ownerSql()`select count(*)::int as n from coverage where reason like 'Vitest: self%' and covering_id <> ${users.locum}`;
    expect(n).toBe(0);
  });

  it("with SQL, a cover is between two active clinicians and carries the database's time", async () => {
    const { users, orgs } = await demoIds();
    const row = { orgId: orgs.northside, reason: "Vitest sql parties", endsAt: inDays(1), createdBy: users.grey };
    const [suspended] = await ownerSql()`
      insert into users (email, name, password_hash) values (${`suspended-${Date.now()}@northside.test`}, 'Suspended Cover', 'x')
      returning id`;
    await ownerSql()`insert into memberships (user_id, org_id, role, status)
      values (${suspended.id}, ${orgs.northside}, 'clinician', 'suspended')`;
    try {
      const answers = await asUser("grey", "northside", async (tx) => {
        const refusal = async (coveringId: string) =>
          (
            await pgError(
              tx.transaction((sp) => sp.insert(coverage).values({ ...row, coveringId, coveredId: users.grey })),
            )
          ).code;
        const [made] = await tx
          .insert(coverage)
          .values({ ...row, coveringId: users.locum, coveredId: users.grey, createdAt: new Date("2020-01-01") })
          .returning({ createdAt: coverage.createdAt });
        const [{ now }] = await tx.execute<{ now: string }>(sql`select now() as now`);
        const bornEnded = await pgError(
          tx.transaction((sp) =>
            sp.insert(coverage).values({
              ...row,
              coveringId: users.shepherd,
              coveredId: users.grey,
              endedAt: new Date(),
              endedBy: users.grey,
            }),
          ),
        );
        return {
          admin: await refusal(users.northAdmin),
          suspended: await refusal(suspended.id),
          stamped: made.createdAt.getTime() === new Date(now).getTime(),
          bornEnded: bornEnded.message.includes("new row violates row-level security policy"),
        };
      });
      expect(answers).toEqual({ admin: "23514", suspended: "23514", stamped: true, bornEnded: true });
    } finally {
      await ownerSql()`delete from memberships where user_id = ${suspended.id}`;
      await ownerSql()`delete from users where id = ${suspended.id}`;
    }
  });

  it("with SQL, only the parties or an admin end a cover, in their own name; a third clinician's update touches nothing", async () => {
    const { users } = await demoIds();
    const admin = await callerFor("northAdmin", "northside");
    const cover = await admin.coverage.create({
      coveringId: users.locum,
      coveredId: users.shepherd,
      endsAt: inDays(2),
      reason: "Vitest: ended by SQL",
    });
    const end = (by: string) =>
      sql`update coverage set ended_at = now(), ended_by = ${by} where id = ${cover.id} returning id`;
    // A third clinician does not even see the cover; the parties do.
    const seen = (who: "grey" | "locum" | "shepherd") =>
      asUser(who, "northside", async (tx) =>
        (await tx.execute<{ id: string }>(sql`select id from coverage`)).map((r) => r.id).includes(cover.id),
      );
    expect({ grey: await seen("grey"), locum: await seen("locum"), shepherd: await seen("shepherd") }).toEqual({
      grey: false,
      locum: true,
      shepherd: true,
    });
    expect(await asUser("grey", "northside", (tx) => tx.execute(end(users.grey)))).toHaveLength(0);
    expect(await asUser("locum", "northside", (tx) => tx.execute(end(users.locum)))).toHaveLength(1);
    // Anyone who ends it, the admin too, ends it in their own name.
    for (const [who, other] of [
      ["locum", users.shepherd],
      ["northAdmin", users.locum],
    ] as const) {
      const refusal = await pgError(asUser(who, "northside", (tx) => tx.execute(end(other))));
      expect(refusal.message, who).toMatch(/new row violates row-level security policy/);
    }
    expect(await asUser("northAdmin", "northside", (tx) => tx.execute(end(users.northAdmin)))).toHaveLength(1);
  });

  it("a cover is over at the instant it ends", async () => {
    const { users, orgs } = await demoIds();
    // In one transaction now() stands still: a cover ending at it has ended, one ending a microsecond later has not.
    const active = await asUser("northAdmin", "northside", async (tx) => {
      const state: boolean[] = [];
      for (const end of [sql`now()`, sql`now() + interval '1 microsecond'`]) {
        const [{ on }] = await tx.execute<{ on: boolean }>(sql`
          with c as (
            insert into coverage (org_id, covering_id, covered_id, reason, starts_at, ends_at, created_by)
            values (${orgs.northside}, ${users.locum}, ${users.shepherd}, 'Vitest: ends now', now() - interval '1 hour', ${end}, ${users.northAdmin})
            returning *)
          select app_cover_active(c) as on from c`);
        state.push(on);
      }
      return state;
    });
    expect(active).toEqual([false, true]);
    // Ended early, it is over from the instant it was ended (the trigger stamps ended_at with now()).
    const afterEnding = await asUser("northAdmin", "northside", async (tx) => {
      const [{ id }] = await tx.execute<{ id: string }>(sql`
        insert into coverage (org_id, covering_id, covered_id, reason, ends_at, created_by)
        values (${orgs.northside}, ${users.locum}, ${users.shepherd}, 'Vitest: ended now', now() + interval '1 day', ${users.northAdmin})
        returning id`);
      await tx.execute(sql`update coverage set ended_at = now(), ended_by = ${users.northAdmin} where id = ${id}`);
      const [{ on }] = await tx.execute<{ on: boolean }>(
        sql`select app_cover_active(c) as on from coverage c where c.id = ${id}`,
      );
      return on;
    });
    expect(afterEnding).toBe(false);
  });

  it("the preview counts the difference with the database's own rule, and leaves nothing behind", async () => {
    const { users } = await demoIds();
    const grey = await callerFor("grey", "northside");
    const before = await seenBy("shepherd");
    const greyPanel = await seenBy("grey");
    const expected = greyPanel.filter((id) => !before.includes(id)).length;
    const request = { coveringId: users.shepherd, coveredId: users.grey, endsAt: inDays(2), reason: "Vitest preview" };
    // The admin sees the covering clinician's panel before and after.
    expect(await (await callerFor("northAdmin", "northside")).coverage.preview(request)).toMatchObject({
      added: expected,
      total: before.length + expected,
    });
    // Grey, handing over, learns how many of her patients are new to Shepherd, never his panel's size.
    const preview = await grey.coverage.preview({
      coveringId: users.shepherd,
      endsAt: inDays(2),
      reason: "Vitest preview",
    });
    expect(preview).toMatchObject({
      added: expected,
      total: null,
      coveringName: "Dr. Derek Shepherd",
      coveredName: "Dr. Meredith Grey",
    });
    expect(expected).toBeGreaterThan(0);
    const [{ n }] = await ownerSql()`select count(*)::int as n from coverage where reason = 'Vitest preview'`;
    expect(n).toBe(0);
    // The request continued as grey (the savepoint undid the context switch).
    expect(await seenBy("shepherd")).toEqual(before);
    // A preview the policies would refuse is refused the same way.
    expect(
      await trpcCode(
        (await callerFor("shepherd", "northside")).coverage.preview({
          coveringId: users.shepherd,
          coveredId: users.grey,
          endsAt: inDays(2),
          reason: "Vitest preview",
        }),
      ),
    ).toBe("FORBIDDEN");
    // Still grey afterwards inside the same request: the audit row is grey's.
    const [last] =
      await ownerSql()`select actor_id from audit_events where action = 'coverage.preview' order by id desc limit 1`;
    expect(last.actor_id).toBe(users.grey);
  });

  it("the demo's active cover (house covers locum at Lakeside) shows in house's list", async () => {
    const house = await callerFor("house", "lakeside");
    const list = await house.patients.list({ limit: 100 });
    expect(list.items.map((p) => p.id).sort()).toEqual(await ownerPanel("house", "lakeside"));
    const cover = await house.coverage.list();
    expect(cover.some((c) => c.active && c.coveredName === "Dr. Lee Locum")).toBe(true);
    void sql;
  });
});
