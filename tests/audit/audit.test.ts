import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import type { AuditAction } from "@/server/audit/actions";
import { sql } from "drizzle-orm";
import { asUser, callerFor, demoIds, ownerSql, patientByMrn } from "@/tests/helpers/db";

/** Runs `fn` while the audit store refuses every row of `action` (a trigger, as the owner). */
async function withAuditFailing(action: AuditAction, fn: () => Promise<void>) {
  const owner = ownerSql();
  await owner.unsafe(`
    create function test_fail_audit() returns trigger language plpgsql as $$
    begin if new.action = '${action}' then raise exception 'audit store unavailable (test)'; end if; return new; end $$;
    create trigger test_fail_audit before insert on audit_events for each row execute function test_fail_audit();`);
  try {
    await fn();
  } finally {
    await owner.unsafe("drop trigger test_fail_audit on audit_events; drop function test_fail_audit();");
  }
}

describe("audit controls", () => {
  it("an admin's blanket read of the audit trail holds their own practice's events only; a clinician reads none", async () => {
    const { users, orgs } = await demoIds();
    const requestId = `vitest-audit-isolation-${Date.now()}`;
    await ownerSql()`insert into audit_events (org_id, actor_id, action, entity, request_id)
      values (${orgs.northside}, ${users.northAdmin}, 'member.update', 'membership', ${requestId}),
             (${orgs.lakeside}, ${users.lakeAdmin}, 'member.update', 'membership', ${requestId})`;
    try {
      const practices = (user: "northAdmin" | "lakeAdmin" | "grey", org: "northside" | "lakeside") =>
        asUser(user, org, async (tx) =>
          (await tx.execute<{ org_id: string }>(sql`select distinct org_id from audit_events`)).map((r) => r.org_id),
        );
      expect({
        north: await practices("northAdmin", "northside"),
        lake: await practices("lakeAdmin", "lakeside"),
        clinician: await practices("grey", "northside"),
      }).toEqual({ north: [orgs.northside], lake: [orgs.lakeside], clinician: [] });
    } finally {
      await ownerSql()`delete from audit_events where request_id = ${requestId}`;
    }
  });

  it("a chart read whose audit insert fails returns an error and no data", async () => {
    const p = await patientByMrn("DEMO-N-0001");
    await withAuditFailing("patient.view", async () => {
      const grey = await callerFor("grey", "northside");
      const result = await grey.patients.byId({ id: p.id }).then(
        (data) => ({ data }),
        (error: unknown) => ({ error }),
      );
      expect(result).not.toHaveProperty("data");
      expect((result as { error: TRPCError }).error.code).toBe("INTERNAL_SERVER_ERROR");
      expect((result as { error: TRPCError }).error.message).toBe("Something went wrong on our side.");
    });
  });

  it("a write and its audit row commit together: when the audit insert fails, the patient and care-team rows roll back too", async () => {
    await withAuditFailing("patient.create", async () => {
      const grey = await callerFor("grey", "northside");
      await expect(
        grey.patients.create({
          mrn: "T-AUDIT-1",
          givenName: "Rolled",
          familyName: "Back",
          birthDate: "1990-01-01",
          sex: "unknown",
        }),
      ).rejects.toMatchObject({
        code: "INTERNAL_SERVER_ERROR",
      });
    });
    const owner = ownerSql();
    const [{ n }] = await owner`select count(*)::int as n from patients where mrn = 'T-AUDIT-1'`;
    const [{ t }] =
      await owner`select count(*)::int as t from care_team ct join patients p on p.id = ct.patient_id where p.mrn = 'T-AUDIT-1'`;
    expect({ n, t }).toEqual({ n: 0, t: 0 });
  });

  it("every read records actor, org, action, patient, entity, request id and time", async () => {
    const grey = await callerFor("grey", "northside");
    const { users, orgs } = await demoIds();
    const p = await patientByMrn("DEMO-N-0002");
    await grey.patients.byId({ id: p.id });
    const [row] =
      await ownerSql()`select * from audit_events where actor_id = ${users.grey} and action = 'patient.view' order by id desc limit 1`;
    expect(row).toMatchObject({
      org_id: orgs.northside,
      actor_id: users.grey,
      patient_id: p.id,
      entity: "patient",
      entity_id: p.id,
    });
    expect(row.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.now() - new Date(row.at).getTime()).toBeLessThan(60_000);
  });
});
