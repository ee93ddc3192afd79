import { afterAll, describe, expect, it } from "vitest";
import { callerFor, demoIds, ownerSql, patientByMrn, trpcCode } from "@/tests/helpers/db";

describe("break-glass emergency access", () => {
  afterAll(async () => {
    await ownerSql()`delete from access_grants where reason like 'Vitest emergency%'`;
  });

  it("the directory shows only name, birth date and MRN, of the current practice", async () => {
    const grey = await callerFor("grey", "northside");
    const target = await patientByMrn("DEMO-N-0026");
    const rows = await grey.breakGlass.directory({ search: target.familyName });
    expect(rows.length).toBeGreaterThan(0);
    // Identity only, plus whether the caller already reaches the patient (the directory says "not on your care team").
    for (const r of rows)
      expect(Object.keys(r).sort()).toEqual(["birthDate", "familyName", "givenName", "id", "mrn", "visible"]);
    const own = await patientByMrn("DEMO-N-0001");
    expect((await grey.breakGlass.directory({ search: "DEMO-N-0001" })).find((r) => r.id === own.id)?.visible).toBe(
      true,
    );
    expect(rows.find((r) => r.id === target.id)?.visible).toBe(false);
    expect(rows.map((r) => r.id)).toContain(target.id);
    expect(await grey.breakGlass.directory({ search: "DEMO-L-0001" })).toEqual([]);
    expect(await trpcCode(grey.breakGlass.directory({ search: "x" }))).toBe("BAD_REQUEST");
    // No phone, email or notes reachable through it, even for admins of other practices.
    const house = await callerFor("house", "lakeside");
    expect((await house.breakGlass.directory({ search: target.familyName })).map((r) => r.id)).not.toContain(target.id);
  });

  it("before the grant NOT_FOUND, with it visible (with a banner flag), after expiry NOT_FOUND again", async () => {
    const grey = await callerFor("grey", "northside");
    const { users, orgs } = await demoIds();
    const target = await patientByMrn("DEMO-N-0026");
    expect(await trpcCode(grey.patients.byId({ id: target.id }))).toBe("NOT_FOUND");
    const grant = await grey.breakGlass.request({
      patientId: target.id,
      reason: "Vitest emergency: collapsed in waiting room",
    });
    expect(grant.expiresAt.getTime() - grant.grantedAt.getTime()).toBe(60 * 60_000);
    const seen = await grey.patients.byId({ id: target.id });
    expect(seen.access).toMatchObject({ via: "break_glass" });
    expect((await grey.notes.list({ patientId: target.id })).length).toBeGreaterThanOrEqual(0);
    // Expire it by moving its clock into the past (as the owner): no application code involved.
    await ownerSql()`update access_grants set granted_at = now() - interval '2 hours', expires_at = now() - interval '1 hour' where id = ${grant.id}`;
    expect(await trpcCode(grey.patients.byId({ id: target.id }))).toBe("NOT_FOUND");
    // A grant written already expired never opens anything.
    await ownerSql()`insert into access_grants (org_id, clinician_id, patient_id, reason, granted_at, expires_at)
      values (${orgs.northside}, ${users.shepherd}, ${target.id}, 'Vitest emergency in the past', now() - interval '3 hours', now() - interval '2 hours')`;
    expect(await trpcCode((await callerFor("shepherd", "northside")).patients.byId({ id: target.id }))).toBe(
      "NOT_FOUND",
    );
    const actions = await ownerSql()`select action from audit_events where entity_id = ${grant.id}`;
    expect(actions.map((a) => a.action)).toEqual(["break_glass.request"]);
  });

  it("another practice's patient cannot be requested; a short reason is refused", async () => {
    const grey = await callerFor("grey", "northside");
    const lake = await patientByMrn("DEMO-L-0011");
    expect(
      await trpcCode(grey.breakGlass.request({ patientId: lake.id, reason: "Vitest emergency across practices" })),
    ).toBe("NOT_FOUND");
    expect(await trpcCode(grey.breakGlass.request({ patientId: lake.id, reason: "short" }))).toBe("BAD_REQUEST");
    const [{ n }] = await ownerSql()`select count(*)::int as n from access_grants where patient_id = ${lake.id}`;
    expect(n).toBe(0);
  });

  it("admins review grants of their practice only; clinicians cannot review", async () => {
    const grey = await callerFor("grey", "northside");
    const target = await patientByMrn("DEMO-N-0025");
    const grant = await grey.breakGlass.request({ patientId: target.id, reason: "Vitest emergency: allergy check" });
    expect(await trpcCode(grey.admin.breakGlass.review({ id: grant.id, comment: "fine" }))).toBe("FORBIDDEN");
    const lakeAdmin = await callerFor("lakeAdmin", "lakeside");
    expect(await trpcCode(lakeAdmin.admin.breakGlass.review({ id: grant.id, comment: "not mine" }))).toBe("NOT_FOUND");
    const admin = await callerFor("northAdmin", "northside");
    expect((await admin.admin.breakGlass.list()).map((g) => g.id)).toContain(grant.id);
    const reviewed = await admin.admin.breakGlass.review({ id: grant.id, comment: "Justified: documented emergency." });
    expect(reviewed.reviewedAt).not.toBeNull();
    expect((await admin.admin.breakGlass.list()).map((g) => g.id)).not.toContain(grant.id);
    expect((await grey.breakGlass.mine()).map((g) => g.id)).toContain(grant.id);
  });
});
