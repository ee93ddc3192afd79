import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { report } from "@/scripts/check-rls";
import { prepareDatabase } from "@/server/db/bootstrap";
import { careTeam, memberships, users } from "@/server/db/schema";
import { readPosture } from "@/server/security/posture";
import { appRouter } from "@/server/trpc/routers/_app";
import { asUser, callerFor, demoIds, ownerSql, patientIdByMrn, pgError, trpcCode } from "@/tests/helpers/db";
import { scratchName } from "@/tests/helpers/scratch";

const SCRATCH = scratchName("careroster_scratch");
const adminProcedures = Object.keys(appRouter._def.procedures).filter((p) => p.startsWith("admin."));

describe("admin procedures", () => {
  afterAll(async () => {
    const { users: u, orgs } = await demoIds();
    await ownerSql()`update memberships set status = 'active', role = 'clinician' where user_id = ${u.shepherd} and org_id = ${orgs.northside}`;
    await ownerSql()`delete from care_team where patient_id in (select id from patients where mrn in ('DEMO-N-0025', 'DEMO-N-0026'))`;
    await ownerSql()`delete from memberships where user_id in (select id from users where email like '%@vitest.test')`;
    await ownerSql()`delete from users where email like '%@vitest.test'`;
  });

  it("every admin.* procedure answers FORBIDDEN to a clinician", async () => {
    expect(adminProcedures.length).toBeGreaterThanOrEqual(10);
    const grey = await callerFor("grey", "northside");
    const { users: u } = await demoIds();
    const inputs: Record<string, unknown> = {
      "admin.members.invite": { email: "house@lakeside.test", name: "Dr. House", role: "clinician" },
      "admin.members.resendInvitation": { invitationId: "00000000-0000-4000-8000-000000000000" },
      "admin.members.revokeInvitation": { invitationId: "00000000-0000-4000-8000-000000000000" },
      "admin.members.setRole": { userId: u.grey, role: "admin" },
      "admin.members.setStatus": { userId: u.shepherd, status: "suspended" },
      "admin.careTeam.patients": {},
      "admin.careTeam.assign": { clinicianId: u.grey, patientIds: [await patientIdByMrn("DEMO-N-0025")] },
      "admin.careTeam.unassign": { clinicianId: u.grey, patientId: await patientIdByMrn("DEMO-N-0001") },
      "admin.audit.list": {},
    };
    for (const path of adminProcedures) {
      const [ns, group, name] = path.split(".");
      const proc = (
        grey as unknown as Record<string, Record<string, Record<string, (i: unknown) => Promise<unknown>>>>
      )[ns][group][name];
      expect(await trpcCode(proc(inputs[path])), path).toBe("FORBIDDEN");
    }
    const [{ n }] =
      await ownerSql()`select count(*)::int as n from care_team where patient_id = ${await patientIdByMrn("DEMO-N-0025")}`;
    expect(n).toBe(0);
  });

  it("members: list, suspend (next request sees nothing), reactivate, and the last admin is kept", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const { users: u } = await demoIds();
    const list = await admin.admin.members.list();
    expect(list.map((m) => m.email).sort()).toEqual([
      "admin@northside.test",
      "grey@northside.test",
      "locum@careroster.test",
      "shepherd@northside.test",
    ]);
    await admin.admin.members.setStatus({ userId: u.shepherd, status: "suspended" });
    const shepherd = await callerFor("shepherd", "northside");
    expect((await shepherd.patients.list({})).items).toEqual([]);
    expect((await shepherd.me.get()).status).toBe("suspended");
    await admin.admin.members.setStatus({ userId: u.shepherd, status: "active" });
    expect((await shepherd.patients.list({})).items.length).toBeGreaterThan(0);
    expect(await trpcCode(admin.admin.members.setRole({ userId: u.northAdmin, role: "clinician" }))).toBe("CONFLICT");
  });

  it("care teams: assign (bulk) makes the patient visible to the clinician, unassign removes it", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const grey = await callerFor("grey", "northside");
    const { users: u } = await demoIds();
    const ids = [await patientIdByMrn("DEMO-N-0025"), await patientIdByMrn("DEMO-N-0026")];
    const unassigned = await admin.admin.careTeam.patients({ unassignedOnly: true });
    expect(unassigned.items.map((p) => p.id)).toEqual(expect.arrayContaining(ids));
    expect(unassigned.items.every((p) => p.team.length === 0)).toBe(true);
    expect(await trpcCode(grey.patients.byId({ id: ids[0] }))).toBe("NOT_FOUND");
    expect((await admin.admin.careTeam.assign({ clinicianId: u.grey, patientIds: ids })).assigned).toBe(2);
    expect((await grey.patients.byId({ id: ids[0] })).id).toBe(ids[0]);
    const panel = (await admin.admin.careTeam.clinicians()).find((c) => c.userId === u.grey)!;
    const [{ n }] = await ownerSql()`select count(*)::int as n from care_team where clinician_id = ${u.grey}`;
    expect(panel.panelSize).toBe(n);
    await admin.admin.careTeam.unassign({ clinicianId: u.grey, patientId: ids[0] });
    expect(await trpcCode(grey.patients.byId({ id: ids[0] }))).toBe("NOT_FOUND");
  });

  it("a Northside admin acting on Lakeside ids changes nothing and sees nothing", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const { users: u } = await demoIds();
    const lake = await patientIdByMrn("DEMO-L-0011");
    expect(await trpcCode(admin.admin.careTeam.assign({ clinicianId: u.grey, patientIds: [lake] }))).toBe("NOT_FOUND");
    expect(
      await trpcCode(
        admin.admin.careTeam.assign({ clinicianId: u.house, patientIds: [await patientIdByMrn("DEMO-N-0026")] }),
      ),
    ).toBe("NOT_FOUND");
    expect(await trpcCode(admin.admin.members.setStatus({ userId: u.house, status: "suspended" }))).toBe("NOT_FOUND");
    expect(
      await trpcCode(
        admin.admin.careTeam.unassign({ clinicianId: u.house, patientId: await patientIdByMrn("DEMO-L-0001") }),
      ),
    ).toBe("NOT_FOUND");
    const events = await admin.admin.audit.list({ limit: 1000 });
    const { orgs } = await demoIds();
    const [{ northEvents }] =
      await ownerSql()`select count(*)::int as "northEvents" from audit_events where org_id = ${orgs.northside}`;
    expect(events.items.length).toBe(Math.min(northEvents, 1000));
    const [{ n }] = await ownerSql()`select count(*)::int as n from care_team where patient_id = ${lake}`;
    expect(n).toBe(0);
    const [status] = await ownerSql()`select status from memberships where user_id = ${u.house}`;
    expect(status.status).toBe("active");
  });

  it("without the tRPC gate, the database itself refuses a clinician's admin writes", async () => {
    const { users: u, orgs } = await demoIds();
    const patientId = await patientIdByMrn("DEMO-N-0025");
    await asUser("grey", "northside", async (tx) => {
      const assign = await pgError(
        tx.transaction((sp) =>
          sp.insert(careTeam).values({ orgId: orgs.northside, clinicianId: u.grey, patientId, assignedBy: u.grey }),
        ),
      );
      expect(assign.message).toMatch(/row-level security/);
      expect(
        await tx.update(memberships).set({ status: "suspended" }).where(eq(memberships.userId, u.shepherd)).returning(),
      ).toEqual([]);
      // Accounts are created only through an invitation token (app_invitation_accept_new), by nobody's grant.
      const newUser = await pgError(
        tx.transaction((sp) => sp.insert(users).values({ email: "x@vitest.test", name: "x", passwordHash: "x" })),
      );
      expect(newUser.code).toBe("42501");
      // The old email probe is gone.
      const lookup = await pgError(
        tx.transaction((sp) => sp.execute(`select app_find_user_id_by_email('house@lakeside.test') as id` as never)),
      );
      expect(lookup.code).toBe("42883");
    });
  });

  it("audit: filters, keyset pages and the 30-day access stats", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const grey = await callerFor("grey", "northside");
    const { users: u } = await demoIds();
    const patientId = await patientIdByMrn("DEMO-N-0002");
    await grey.patients.byId({ id: patientId });
    const views = await admin.admin.audit.list({ actorId: u.grey, patientId, action: "patient.view" });
    expect(views.items.length).toBeGreaterThanOrEqual(1);
    expect(views.items.every((e) => e.actorId === u.grey && e.action === "patient.view")).toBe(true);
    const first = await admin.admin.audit.list({ limit: 3 });
    const second = await admin.admin.audit.list({ limit: 3, cursor: first.nextCursor });
    expect(second.items[0].at.getTime()).toBeLessThanOrEqual(first.items[2].at.getTime());
    expect(new Set([...first.items, ...second.items].map((e) => e.id)).size).toBe(6);
    const stats = await admin.admin.audit.accessStats();
    expect(stats.perActor.find((a) => a.actorId === u.grey)?.events).toBeGreaterThan(0);
    expect(stats.perDay.length).toBeGreaterThan(0);
  });
});

describe("RLS posture", () => {
  it("the procedure returns the checklist and every section for the login the request connected as", async () => {
    const posture = await (await callerFor("northAdmin", "northside")).admin.security.posture();
    expect(posture.checks.map((c) => c.id)).toEqual([
      "rls",
      "withCheck",
      "runtimeRole",
      "definer",
      "publicExecute",
      "ownership",
      "create",
      "tableGrants",
    ]);
    expect(posture.functions.find((f) => f.name === "app_org_id()")).toMatchObject({ securityDefiner: true });
    expect(posture.runtimeRole.name).toBe("careroster_app");
    expect(posture.runtimeRole.actsAs).toEqual(expect.arrayContaining(["careroster_admin", "careroster_runtime"]));
    expect(posture.database.schemas.map((s) => s.name)).toContain("public");
  });

  // Holds since the careroster_owner migration (drizzle/0009_boundary.sql).
  it("the procedure and the CLI report the real schema as OK", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const posture = await admin.admin.security.posture();
    expect(posture.ok).toBe(true);
    expect(posture.tables.map((t) => t.table)).toContain("patients");
    expect(
      posture.tables.find((t) => t.table === "patients")!.policies.find((p) => p.name === "patients_org_isolation")!
        .permissive,
    ).toBe("RESTRICTIVE");
    const lines: string[] = [];
    expect(report(posture, (l) => lines.push(l))).toBe(0);
  });

  it("check-rls fails on a scratch database with a table lacking FORCE, a write policy without WITH CHECK, or a bypassing role", async () => {
    const db = await prepareDatabase({ database: SCRATCH, recreate: true });
    const owner = postgres(db.ownerUrl, { max: 1, onnotice: () => {} });
    try {
      await owner`create table scratch_notes (id int primary key, org_id uuid)`;
      await owner`alter table scratch_notes enable row level security`;
      await owner`create policy scratch_insert on scratch_notes for insert to careroster_runtime with check (true)`;
      await owner`alter policy patients_update on patients using (true)`;
      await owner.unsafe("create policy loose_update on patients for update to careroster_runtime using (true)");
      const posture = await readPosture(drizzle({ client: owner }), "careroster_app");
      const lines: string[] = [];
      expect(report(posture, (l) => lines.push(l))).toBe(1);
      const scratch = posture.tables.find((t) => t.table === "scratch_notes")!;
      expect(scratch.problems).toContain("RLS is not forced (the owner would bypass it)");
      expect(posture.tables.find((t) => t.table === "patients")!.problems).toContain(
        "policy loose_update (UPDATE) has no WITH CHECK",
      );
      expect((await readPosture(drizzle({ client: owner }), "postgres")).runtimeRole.problems).toEqual(
        expect.arrayContaining(["is a superuser"]),
      );
    } finally {
      await owner.end();
      const admin = postgres(db.ownerUrl.replace(`/${SCRATCH}`, "/postgres"), { max: 1 });
      await admin`drop database ${admin(SCRATCH)} with (force)`;
      await admin.end();
    }
  });
});
