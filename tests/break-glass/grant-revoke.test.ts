import { sql } from "drizzle-orm";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { demoUsers } from "@/server/db/seed/demo-data";
import { asUser, callerFor, demoIds, ownerSql, patientByMrn, pgError, trpcCode } from "@/tests/helpers/db";

/**
 * Revoking an emergency grant, attacked from every side: the tRPC procedure as the
 * wrong role and the wrong practice, raw SQL as an admin and as the grantee, and the visibility
 * the policies derive from it.
 */
const REASON = "Vitest revoke: patient unresponsive in clinic";
const MRN = "DEMO-N-0027";

const grantRow = async (id: string) =>
  (
    await ownerSql()`select revoked_at, revoked_by, reviewed_at, reviewed_by, review_comment from access_grants where id = ${id}`
  )[0];

/** A review of `grantId` in the northside admin's name, written with SQL as `who`: the SQLSTATE it was refused with. */
async function sqlReviewRefusal(who: "northAdmin" | "grey", grantId: string, comment: string) {
  const { users } = await demoIds();
  const update = sql`update access_grants set reviewed_by = ${users.northAdmin}, reviewed_at = now(), review_comment = ${comment} where id = ${grantId}`;
  return (await pgError(asUser(who, "northside", (tx) => tx.execute(update)))).code;
}

async function greyGrant() {
  const grey = await callerFor("grey", "northside");
  const target = await patientByMrn(MRN);
  const grant = await grey.breakGlass.request({ patientId: target.id, reason: REASON });
  return { grey, target, grant };
}

describe("revoking emergency access", () => {
  beforeEach(async () => {
    await ownerSql()`delete from access_grants where reason like 'Vitest revoke:%'`;
  });
  afterAll(async () => {
    await ownerSql()`delete from access_grants where reason like 'Vitest revoke:%'`;
  });

  it("a clinician calling the admin procedure is FORBIDDEN; nothing changes", async () => {
    const { grey, grant } = await greyGrant();
    expect(await trpcCode(grey.admin.breakGlass.revoke({ id: grant.id }))).toBe("FORBIDDEN");
    const shepherd = await callerFor("shepherd", "northside");
    expect(await trpcCode(shepherd.admin.breakGlass.revoke({ id: grant.id }))).toBe("FORBIDDEN");
    expect((await grantRow(grant.id)).revoked_at).toBeNull();
  });

  it("an admin of another practice gets NOT_FOUND for this grant's id, and the grant is untouched", async () => {
    const { grey, target, grant } = await greyGrant();
    const lakeAdmin = await callerFor("lakeAdmin", "lakeside");
    expect(await trpcCode(lakeAdmin.admin.breakGlass.revoke({ id: grant.id }))).toBe("NOT_FOUND");
    expect((await lakeAdmin.admin.breakGlass.history()).items.map((g) => g.id)).not.toContain(grant.id);
    // Raw SQL as that admin, past the procedure: the org-isolation policy hides the row.
    const { users } = await demoIds();
    const updated = await asUser("lakeAdmin", "lakeside", (tx) =>
      tx.execute(
        sql`update access_grants set revoked_at = now(), revoked_by = ${users.lakeAdmin} where id = ${grant.id} returning id`,
      ),
    );
    expect(updated.length).toBe(0);
    const row = await grantRow(grant.id);
    expect(row.revoked_at).toBeNull();
    expect(row.revoked_by).toBeNull();
    expect((await grey.patients.byId({ id: target.id })).id).toBe(target.id);
    const [{ n }] =
      await ownerSql()`select count(*)::int as n from audit_events where entity_id = ${grant.id} and action = 'break_glass.revoke'`;
    expect(n).toBe(0);
  });

  it("the admin revokes: visibility ends at once, audited, still awaiting review, and cannot be revoked twice", async () => {
    const { grey, target, grant } = await greyGrant();
    const { users } = await demoIds();
    expect((await grey.patients.list({ search: MRN })).items.map((p) => p.id)).toContain(target.id);
    const admin = await callerFor("northAdmin", "northside");
    const revoked = await admin.admin.breakGlass.revoke({ id: grant.id });
    expect(revoked.revokedBy).toBe(users.northAdmin);
    const row = await grantRow(grant.id);
    expect(row.revoked_at).not.toBeNull();
    expect(row.revoked_by).toBe(users.northAdmin);
    // Not a review.
    expect(row.reviewed_at).toBeNull();
    expect((await admin.admin.breakGlass.list()).map((g) => g.id)).toContain(grant.id);

    // The grantee's chart, list, notes: gone, through the policies (app_visible_patient_ids).
    expect(await trpcCode(grey.patients.byId({ id: target.id }))).toBe("NOT_FOUND");
    expect((await grey.patients.list({ search: MRN })).items.map((p) => p.id)).not.toContain(target.id);
    expect(await trpcCode(grey.notes.list({ patientId: target.id }))).toBe("NOT_FOUND");
    const seen = await asUser("grey", "northside", async (tx) => ({
      visible: (await tx.execute<{ id: string }>(sql`select app_visible_patient_ids() as id`)).map((r) => r.id),
      rows: await tx.execute(sql`select id from patients where id = ${target.id}`),
    }));
    expect(seen.visible).not.toContain(target.id);
    expect(seen.rows.length).toBe(0);

    const audits =
      await ownerSql()`select actor_id, patient_id, detail from audit_events where entity_id = ${grant.id} and action = 'break_glass.revoke'`;
    expect(audits).toHaveLength(1);
    expect(audits[0].actor_id).toBe(users.northAdmin);
    expect(audits[0].patient_id).toBe(target.id);

    expect(await trpcCode(admin.admin.breakGlass.revoke({ id: grant.id }))).toBe("NOT_FOUND");
    const history = await admin.admin.breakGlass.history();
    const shown = history.items.find((g) => g.id === grant.id);
    expect(shown).toMatchObject({ active: false, revokedByName: demoUsers.northAdmin.name, reviewedAt: null });
    expect(shown?.patientMrn).toBe(MRN);

    // The review is still done afterwards, by the admin, as before.
    const reviewed = await admin.admin.breakGlass.review({ id: grant.id, comment: "Revoked: not an emergency." });
    expect(reviewed.reviewedBy).toBe(users.northAdmin);
    expect((await grantRow(grant.id)).revoked_by).toBe(users.northAdmin);
  });

  it("raw SQL as careroster_admin: no revoking in someone else's name, no un-revoking, no re-attributing", async () => {
    const { grant } = await greyGrant();
    const { users } = await demoIds();
    const asAdmin = <T>(fn: Parameters<typeof asUser<T>>[2]) => asUser("northAdmin", "northside", fn);
    // The session role really is the admin one.
    expect((await asAdmin((tx) => tx.execute<{ r: string }>(sql`select current_user as r`)))[0].r).toBe(
      "careroster_admin",
    );
    expect(
      (
        await pgError(
          asAdmin((tx) =>
            tx.execute(
              sql`update access_grants set revoked_at = now(), revoked_by = ${users.shepherd} where id = ${grant.id}`,
            ),
          ),
        )
      ).code,
    ).toBe("42501");
    expect((await grantRow(grant.id)).revoked_at).toBeNull();
    // Revoked for real (owner-free: as another admin would), then attacked.
    await (await callerFor("northAdmin", "northside")).admin.breakGlass.revoke({ id: grant.id });
    for (const attack of [
      sql`update access_grants set revoked_at = null, revoked_by = null where id = ${grant.id}`,
      sql`update access_grants set revoked_at = null where id = ${grant.id}`,
      sql`update access_grants set revoked_by = ${users.shepherd} where id = ${grant.id}`,
      sql`update access_grants set revoked_at = now() - interval '1 day' where id = ${grant.id}`,
    ]) {
      expect((await pgError(asAdmin((tx) => tx.execute(attack)))).code).toBe("42501");
    }
    const row = await grantRow(grant.id);
    expect(row.revoked_at).not.toBeNull();
    expect(row.revoked_by).toBe(users.northAdmin);
    // A review written with the revocation is still the review's rules: not in someone else's name.
    expect(
      (
        await pgError(
          asAdmin((tx) =>
            tx.execute(
              sql`update access_grants set reviewed_by = ${users.shepherd}, reviewed_at = now(), review_comment = 'forged' where id = ${grant.id}`,
            ),
          ),
        )
      ).code,
    ).toBe("42501");
    // The other columns are not the runtime role's to write at all.
    expect(
      (
        await pgError(
          asAdmin((tx) =>
            tx.execute(sql`update access_grants set expires_at = now() + interval '1 hour' where id = ${grant.id}`),
          ),
        )
      ).code,
    ).toBe("42501");
  });

  it("an expired grant cannot be revoked (nothing to end)", async () => {
    const { grant } = await greyGrant();
    await ownerSql()`update access_grants set granted_at = now() - interval '2 hours', expires_at = now() - interval '1 hour' where id = ${grant.id}`;
    const admin = await callerFor("northAdmin", "northside");
    expect(await trpcCode(admin.admin.breakGlass.revoke({ id: grant.id }))).toBe("NOT_FOUND");
    const { users } = await demoIds();
    expect(
      (
        await pgError(
          asUser("northAdmin", "northside", (tx) =>
            tx.execute(
              sql`update access_grants set revoked_at = now(), revoked_by = ${users.northAdmin} where id = ${grant.id}`,
            ),
          ),
        )
      ).code,
    ).toBe("42501");
  });

  it("an admin may revoke their own grant, but still not review it", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const target = await patientByMrn(MRN);
    const own = await admin.breakGlass.request({ patientId: target.id, reason: REASON });
    await admin.admin.breakGlass.revoke({ id: own.id });
    expect(await trpcCode(admin.admin.breakGlass.review({ id: own.id, comment: "self-review" }))).toBe("FORBIDDEN");
    expect(await sqlReviewRefusal("northAdmin", own.id, "mine")).toBe("42501");
    expect((await grantRow(own.id)).reviewed_at).toBeNull();
  });

  it("the grantee ends their own access early; nobody else's, and never a review", async () => {
    const { grey, target, grant } = await greyGrant();
    const { users } = await demoIds();
    const shepherd = await callerFor("shepherd", "northside");
    expect(await trpcCode(shepherd.breakGlass.end({ id: grant.id }))).toBe("NOT_FOUND");
    // Raw SQL as a clinician: another's grant is invisible; one's own cannot be reviewed.
    const other = await asUser("shepherd", "northside", (tx) =>
      tx.execute(
        sql`update access_grants set revoked_at = now(), revoked_by = ${users.shepherd} where id = ${grant.id} returning id`,
      ),
    );
    expect(other.length).toBe(0);
    expect(
      await asUser("shepherd", "northside", (tx) =>
        tx.execute(sql`select id from access_grants where id = ${grant.id}`),
      ),
    ).toHaveLength(0);
    expect(await sqlReviewRefusal("grey", grant.id, "fine")).toBe("42501");
    // The grantee's only write to a live grant is ending it: even a write that changes nothing is refused.
    const unchanged = await pgError(
      asUser("grey", "northside", (tx) =>
        tx.execute(sql`update access_grants set review_comment = null where id = ${grant.id}`),
      ),
    );
    expect(unchanged.message).toMatch(/new row violates row-level security policy/);
    const ended = await grey.breakGlass.end({ id: grant.id });
    expect(ended.revokedBy).toBe(users.grey);
    expect(await trpcCode(grey.patients.byId({ id: target.id }))).toBe("NOT_FOUND");
    expect(await trpcCode(grey.breakGlass.end({ id: grant.id }))).toBe("NOT_FOUND");
    // Ended is final for the grantee's SQL too: ending it again later (to stretch the access on record) finds no row.
    const endedAt = (await grantRow(grant.id)).revoked_at;
    const again = await asUser("grey", "northside", (tx) =>
      tx.execute(
        sql`update access_grants set revoked_at = now() + interval '1 hour', revoked_by = ${users.grey} where id = ${grant.id} returning id`,
      ),
    );
    expect(again.length).toBe(0);
    const row = await grantRow(grant.id);
    expect(row.revoked_at).toEqual(endedAt);
    expect(row.reviewed_at).toBeNull();
    const [{ action }] =
      await ownerSql()`select action from audit_events where entity_id = ${grant.id} and action like 'break_glass.e%'`;
    expect(action).toBe("break_glass.end");
  });

  it("the history pages by keyset, newest first, every grant once; a forged cursor is BAD_REQUEST", async () => {
    await greyGrant();
    const admin = await callerFor("northAdmin", "northside");
    const all = (await admin.admin.breakGlass.history({ limit: 100 })).items;
    expect(all.length).toBeGreaterThanOrEqual(2);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof admin.admin.breakGlass.history>> = await admin.admin.breakGlass.history({
        limit: 1,
        cursor,
      });
      paged.push(...page.items.map((g) => g.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all.map((g) => g.id));
    const times = all.map((g) => g.grantedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(await trpcCode(admin.admin.breakGlass.history({ limit: 5, cursor: "not-a-cursor" }))).toBe("BAD_REQUEST");
    // A clinician cannot read the practice's history at all.
    expect(await trpcCode((await callerFor("grey", "northside")).admin.breakGlass.history())).toBe("FORBIDDEN");
  });
});
