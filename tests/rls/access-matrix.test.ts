import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Tx } from "@/server/db/client";
import {
  accessGrants,
  allergies,
  appointments,
  auditEvents,
  careTeam,
  clinicalNotes,
  conditions,
  medicationStatements,
  memberships,
  organizations,
  patients,
  users,
  vitalSigns,
} from "@/server/db/schema";
import { demoPanel, demoPatients, fullName, type DemoOrgKey } from "@/server/db/seed/demo-data";
import { asUser, callerFor, demoIds, ownerSql, patientByMrn, pgError } from "@/tests/helpers/db";

// The access matrix (README, "Security model"), cell by cell, through the runtime role with the context set as the app sets it.
// Every statement runs in a transaction that is rolled back afterwards.

const RLS_REFUSED = /new row violates row-level security policy/;

const names = (rows: { givenName: string; familyName: string }[]) => rows.map(fullName).sort();
const expected = (rows: { givenName: string; familyName: string }[]) => rows.map(fullName).sort();

const patientId = async (mrn: string) => (await patientByMrn(mrn)).id;
const mrnOf = (team: string[], org: DemoOrgKey = "northside") =>
  demoPatients.find((p) => p.org === org && p.team.join() === team.join())!.mrn;

/** A refused write inside a savepoint, so the surrounding transaction stays usable. */
const refused = (tx: Tx, fn: (sp: Tx) => Promise<unknown>) => pgError(tx.transaction(fn));

const newPatient = (orgId: string, createdBy: string) => ({
  id: randomUUID(),
  orgId,
  mrn: `T-${randomUUID().slice(0, 8)}`,
  givenName: "Test",
  familyName: "Matrixcase",
  birthDate: "1990-01-01",
  createdBy,
});

describe("patients", () => {
  it("a clinician reads exactly their care-team patients, with no WHERE in the query", async () => {
    for (const [user, org] of [
      ["grey", "northside"],
      ["shepherd", "northside"],
      ["house", "lakeside"],
      ["locum", "northside"],
      ["locum", "lakeside"],
    ] as const) {
      const rows = await asUser(user, org, (tx) => tx.select().from(patients));
      expect(names(rows), `${user}@${org}`).toEqual(expected(demoPanel(user, org)));
    }
  });

  it("an admin reads every patient of their org and none of another", async () => {
    const north = await asUser("northAdmin", "northside", (tx) => tx.select().from(patients));
    expect(names(north)).toEqual(expected(demoPatients.filter((p) => p.org === "northside")));
    const { orgs } = await demoIds();
    const lakeRows = await asUser("northAdmin", "northside", (tx) =>
      tx.select().from(patients).where(eq(patients.orgId, orgs.lakeside)),
    );
    expect(lakeRows).toEqual([]);
  });

  it("hides another org's patient, an unassigned one and a colleague's own, even by id", async () => {
    const hidden = [
      await patientId(mrnOf(["house"], "lakeside")),
      await patientId(mrnOf([])),
      await patientId(mrnOf(["shepherd"])),
    ];
    const rows = await asUser("grey", "northside", (tx) =>
      tx
        .select()
        .from(patients)
        .where(sql`${patients.id} in ${hidden}`),
    );
    expect(rows).toEqual([]);
  });

  it("a clinician updates their own patient; a hidden one is not touched", async () => {
    const own = await patientId(mrnOf(["grey"]));
    const other = await patientId(mrnOf(["shepherd"]));
    await asUser("grey", "northside", async (tx) => {
      const [before] = await tx.select().from(patients).where(eq(patients.id, own));
      const ok = await tx.update(patients).set({ phone: "555-0199" }).where(eq(patients.id, own)).returning();
      expect(ok).toHaveLength(1);
      expect(ok[0].version).toBe(before.version + 1);
      const none = await tx.update(patients).set({ phone: "555-0199" }).where(eq(patients.id, other)).returning();
      expect(none).toEqual([]);
    });
    const [row] = await ownerSql()`select phone from patients where id = ${other}`;
    expect(row.phone).not.toBe("555-0199");
  });

  it("a clinician creates a patient and is put on its care team; not in another org or as someone else", async () => {
    const { users, orgs } = await demoIds();
    await asUser("grey", "northside", async (tx) => {
      const p = newPatient(orgs.northside, users.grey);
      await tx.insert(patients).values(p);
      const [seen] = await tx.select().from(patients).where(eq(patients.id, p.id));
      expect(seen?.mrn).toBe(p.mrn);
      const team = await tx.select().from(careTeam).where(eq(careTeam.patientId, p.id));
      expect(team.map((t) => t.clinicianId)).toEqual([users.grey]);

      expect(
        (await refused(tx, (sp) => sp.insert(patients).values(newPatient(orgs.lakeside, users.grey)))).message,
      ).toMatch(RLS_REFUSED);
      expect(
        (await refused(tx, (sp) => sp.insert(patients).values(newPatient(orgs.northside, users.shepherd)))).message,
      ).toMatch(RLS_REFUSED);
    });
  });

  it("nobody deletes a patient; only an admin archives", async () => {
    const own = await patientId(mrnOf(["grey"]));
    await asUser("grey", "northside", async (tx) => {
      expect((await refused(tx, (sp) => sp.delete(patients).where(eq(patients.id, own)))).message).toMatch(
        /permission denied/,
      );
      expect(
        (await refused(tx, (sp) => sp.update(patients).set({ archivedAt: new Date() }).where(eq(patients.id, own))))
          .code,
      ).toBe("42501");
    });
    await asUser("northAdmin", "northside", async (tx) => {
      expect((await refused(tx, (sp) => sp.delete(patients).where(eq(patients.id, own)))).message).toMatch(
        /permission denied/,
      );
      const archived = await tx
        .update(patients)
        .set({ archivedAt: new Date() })
        .where(eq(patients.id, own))
        .returning();
      expect(archived).toHaveLength(1);
    });
  });

  it("an archived patient disappears from the clinician's view but stays with the admin", async () => {
    const own = await patientId(mrnOf(["grey"]));
    const admin = await callerFor("northAdmin", "northside");
    await admin.patients.archive({ id: own });
    try {
      expect(await asUser("grey", "northside", (tx) => tx.select().from(patients).where(eq(patients.id, own)))).toEqual(
        [],
      );
      expect(
        await asUser("northAdmin", "northside", (tx) => tx.select().from(patients).where(eq(patients.id, own))),
      ).toHaveLength(1);
    } finally {
      await admin.patients.restore({ id: own });
    }
  });

  it("the session role is the database's choice: a clinician switching to the admin role gains nothing", async () => {
    const rows = await asUser("grey", "northside", async (tx) => {
      expect((await tx.execute<{ role: string }>(sql`select current_user as role`))[0].role).toBe(
        "careroster_clinician",
      );
      await tx.execute(sql`select set_config('role', 'careroster_admin', true)`);
      return tx.select().from(patients);
    });
    expect(rows).toEqual([]);
    const role = await asUser(
      "northAdmin",
      "northside",
      async (tx) => (await tx.execute<{ role: string }>(sql`select current_user as role`))[0].role,
    );
    expect(role).toBe("careroster_admin");
  });
});

describe("care_team", () => {
  it("a clinician reads the care-team rows of patients they can see, colleagues' rows included", async () => {
    const { users } = await demoIds();
    const rows = await asUser("grey", "northside", (tx) => tx.select().from(careTeam));
    const greyPatients = new Set(rows.filter((r) => r.clinicianId === users.grey).map((r) => r.patientId));
    expect(greyPatients.size).toBe(demoPanel("grey", "northside").length);
    expect(rows.every((r) => greyPatients.has(r.patientId))).toBe(true);
    expect(rows.some((r) => r.clinicianId === users.shepherd)).toBe(true); // the shared patients
  });

  it("a clinician cannot assign themselves; an admin assigns and unassigns", async () => {
    const { users, orgs } = await demoIds();
    const unassigned = await patientId(mrnOf([]));
    const row = { orgId: orgs.northside, clinicianId: users.grey, patientId: unassigned, assignedBy: users.grey };
    await asUser("grey", "northside", async (tx) => {
      expect((await refused(tx, (sp) => sp.insert(careTeam).values(row))).message).toMatch(RLS_REFUSED);
      expect(await tx.delete(careTeam).returning()).toEqual([]);
    });
    await asUser("northAdmin", "northside", async (tx) => {
      await tx.insert(careTeam).values({ ...row, assignedBy: users.northAdmin });
      const removed = await tx.delete(careTeam).where(eq(careTeam.patientId, unassigned)).returning();
      expect(removed).toHaveLength(1);
    });
  });

  it("an admin cannot put a clinician of another org on a team, nor reach another org's rows", async () => {
    const { users, orgs } = await demoIds();
    const unassigned = await patientId(mrnOf([]));
    await asUser("northAdmin", "northside", async (tx) => {
      const err = await refused(tx, (sp) =>
        sp.insert(careTeam).values({
          orgId: orgs.northside,
          clinicianId: users.house,
          patientId: unassigned,
          assignedBy: users.northAdmin,
        }),
      );
      expect(err.code).toBe("23503"); // house has no northside membership: the composite key refuses
      expect(await tx.select().from(careTeam).where(eq(careTeam.orgId, orgs.lakeside))).toEqual([]);
    });
  });
});

describe("appointments", () => {
  it("a clinician reads and books only for patients they can see; an admin for the whole org", async () => {
    const { users, orgs } = await demoIds();
    const own = await patientId(mrnOf(["grey"]));
    const hidden = await patientId(mrnOf(["shepherd"]));
    const slot = {
      orgId: orgs.northside,
      clinicianId: users.grey,
      startsAt: new Date("2030-01-01T10:00:00Z"),
      endsAt: new Date("2030-01-01T10:30:00Z"),
    };
    await asUser("grey", "northside", async (tx) => {
      const rows = await tx.select().from(appointments);
      const visible = new Set((await tx.select({ id: patients.id }).from(patients)).map((p) => p.id));
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((a) => visible.has(a.patientId))).toBe(true);
      await tx.insert(appointments).values({ ...slot, patientId: own });
      expect(
        (await refused(tx, (sp) => sp.insert(appointments).values({ ...slot, patientId: hidden }))).message,
      ).toMatch(RLS_REFUSED);
      expect(
        await tx
          .update(appointments)
          .set({ status: "cancelled" })
          .where(eq(appointments.patientId, hidden))
          .returning(),
      ).toEqual([]);
    });
    const all = await asUser("northAdmin", "northside", (tx) => tx.select().from(appointments));
    const [{ n }] = await ownerSql()`select count(*)::int as n from appointments where org_id = ${orgs.northside}`;
    expect(all).toHaveLength(n);
  });
});

describe("clinical essentials (conditions, allergies, medication_statements, vital_signs)", () => {
  const tables = { conditions, allergies, medicationStatements, vitalSigns };

  it("each clinician reads exactly the rows of their panel's patients; admins read none (minimum necessary)", async () => {
    const { orgs } = await demoIds();
    for (const [user, org] of [
      ["grey", "northside"],
      ["shepherd", "northside"],
      ["house", "lakeside"],
      ["northAdmin", "northside"],
      ["lakeAdmin", "lakeside"],
    ] as const) {
      const panel = user.endsWith("Admin") ? [] : demoPanel(user, org).map((p) => p.mrn);
      for (const [name, table] of Object.entries(tables)) {
        const seen = await asUser(user, org, (tx) => tx.select({ id: table.id }).from(table));
        const truth = await ownerSql()`select t.id from ${ownerSql()(
          name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
        )} t join patients p on p.id = t.patient_id
          where p.org_id = ${orgs[org]} and p.mrn = any(${panel}) and p.archived_at is null`;
        expect(seen.map((r) => r.id).sort(), `${user} ${name}`).toEqual(truth.map((r) => r.id as string).sort());
      }
    }
    // The demo's essentials are on Grey's patients: the matrix above compares real rows.
    const [{ n }] = await ownerSql()`select count(*)::int as n from vital_signs where org_id = ${orgs.northside}`;
    expect(n).toBeGreaterThan(0);
  });
});

describe("clinical_notes", () => {
  it("clinicians read notes of their patients; admins read none (minimum necessary)", async () => {
    const { orgs } = await demoIds();
    const greyNotes = await asUser("grey", "northside", (tx) => tx.select().from(clinicalNotes));
    // Every note (originals, addenda, drafts) of every patient on grey's panel, and nothing else.
    const panel = (
      await ownerSql()`select id from patients where mrn = any(${demoPanel("grey", "northside").map((p) => p.mrn)}) and org_id = ${orgs.northside}`
    ).map((r) => r.id as string);
    const [{ onPanel }] =
      await ownerSql()`select count(*)::int as "onPanel" from clinical_notes where patient_id = any(${panel})`;
    expect(onPanel).toBeGreaterThanOrEqual(panel.length);
    expect(greyNotes).toHaveLength(onPanel);
    expect(greyNotes.every((n) => panel.includes(n.patientId))).toBe(true);
    const [{ n }] = await ownerSql()`select count(*)::int as n from clinical_notes where org_id = ${orgs.northside}`;
    expect(n).toBeGreaterThan(greyNotes.length);
    expect(await asUser("northAdmin", "northside", (tx) => tx.select().from(clinicalNotes))).toEqual([]);
  });

  it("a clinician writes notes as themselves only, and edits only their own", async () => {
    const { users, orgs } = await demoIds();
    const shared = await patientId(mrnOf(["grey", "shepherd"]));
    const hidden = await patientId(mrnOf(["grey"]));
    await asUser("shepherd", "northside", async (tx) => {
      const [greys] = await tx
        .select()
        .from(clinicalNotes)
        .where(and(eq(clinicalNotes.patientId, shared), eq(clinicalNotes.authorId, users.grey)));
      expect(greys).toBeDefined(); // readable on a shared patient…
      expect(
        await tx.update(clinicalNotes).set({ body: "overwritten" }).where(eq(clinicalNotes.id, greys.id)).returning(),
      ).toEqual([]); // …not editable
      const [mine] = await tx
        .insert(clinicalNotes)
        .values({ orgId: orgs.northside, patientId: shared, authorId: users.shepherd, body: "mine" })
        .returning();
      expect(
        await tx.update(clinicalNotes).set({ body: "edited" }).where(eq(clinicalNotes.id, mine.id)).returning(),
      ).toHaveLength(1);
      const forged = await refused(tx, (sp) =>
        sp
          .insert(clinicalNotes)
          .values({ orgId: orgs.northside, patientId: shared, authorId: users.grey, body: "as grey" }),
      );
      expect(forged.message).toMatch(RLS_REFUSED);
      const onHidden = await refused(tx, (sp) =>
        sp
          .insert(clinicalNotes)
          .values({ orgId: orgs.northside, patientId: hidden, authorId: users.shepherd, body: "x" }),
      );
      expect(onHidden.message).toMatch(RLS_REFUSED);
    });
  });
});

describe("audit_events", () => {
  it("clinicians insert their own actions only and read none; admins read the org's", async () => {
    const { users, orgs } = await demoIds();
    const event = { orgId: orgs.northside, action: "test.event", entity: "test", requestId: "t" };
    await asUser("grey", "northside", async (tx) => {
      await tx.insert(auditEvents).values({ ...event, actorId: users.grey });
      expect(
        (await refused(tx, (sp) => sp.insert(auditEvents).values({ ...event, actorId: users.shepherd }))).message,
      ).toMatch(RLS_REFUSED);
      expect(
        (
          await refused(tx, (sp) =>
            sp.insert(auditEvents).values({ ...event, actorId: users.grey, orgId: orgs.lakeside }),
          )
        ).message,
      ).toMatch(RLS_REFUSED);
      expect(await tx.select().from(auditEvents)).toEqual([]);
    });
    await asUser("northAdmin", "northside", async (tx) => {
      await tx.insert(auditEvents).values({ ...event, actorId: users.northAdmin });
      const rows = await tx.select().from(auditEvents);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.orgId === orgs.northside)).toBe(true);
    });
  });

  it("no one updates or deletes an audit row through the runtime role", async () => {
    for (const user of ["grey", "northAdmin"] as const) {
      await asUser(user, "northside", async (tx) => {
        expect((await refused(tx, (sp) => sp.update(auditEvents).set({ action: "x" }))).message).toMatch(
          /permission denied/,
        );
        expect((await refused(tx, (sp) => sp.delete(auditEvents))).message).toMatch(/permission denied/);
        expect((await refused(tx, (sp) => sp.execute(sql`truncate audit_events`))).message).toMatch(
          /permission denied/,
        );
      });
    }
  });
});

describe("memberships and users", () => {
  it("an admin's blanket membership update stays in their practice (another practice's rows are not even tried)", async () => {
    // Rolled back by asUser. A row of another practice reaching the update would fail its WITH CHECK.
    const updated = await asUser(
      "northAdmin",
      "northside",
      async (tx) => (await tx.execute(sql`update memberships set status = 'active'`)).count,
    );
    expect(updated).toBeGreaterThan(0);
  });

  it("a clinician reads colleagues in the current org, never another org's people", async () => {
    const ids = await demoIds();
    await asUser("grey", "northside", async (tx) => {
      const colleagues = (await tx.select({ id: users.id }).from(users)).map((u) => u.id).sort();
      expect(colleagues).toEqual([ids.users.northAdmin, ids.users.grey, ids.users.shepherd, ids.users.locum].sort());
      const members = await tx.select().from(memberships);
      expect(members.every((m) => colleagues.includes(m.userId))).toBe(true);
      expect(members.some((m) => m.userId === ids.users.house)).toBe(false);
      expect((await refused(tx, (sp) => sp.execute(sql`select password_hash from users`))).message).toMatch(
        /permission denied/,
      );
      expect(
        await tx
          .update(memberships)
          .set({ status: "suspended" })
          .where(eq(memberships.userId, ids.users.shepherd))
          .returning(),
      ).toEqual([]);
    });
  });

  it("an admin manages members of their own org only", async () => {
    const { users, orgs } = await demoIds();
    await asUser("northAdmin", "northside", async (tx) => {
      const suspended = await tx
        .update(memberships)
        .set({ status: "suspended" })
        .where(eq(memberships.userId, users.shepherd))
        .returning();
      expect(suspended).toHaveLength(1);
      expect(
        await tx
          .update(memberships)
          .set({ status: "suspended" })
          .where(eq(memberships.userId, users.house))
          .returning(),
      ).toEqual([]);
      // Nobody is attached to a practice without their consent (accepting an invitation): not into
      // another practice, and not into the admin's own, not even Lakeside's clinician.
      for (const orgId of [orgs.lakeside, orgs.northside]) {
        const err = await refused(tx, (sp) =>
          sp.insert(memberships).values({ userId: users.house, orgId, role: "admin" }),
        );
        expect(err.message).toMatch(/permission denied for table memberships/);
      }
    });
  });

  it("the last active admin cannot be demoted or suspended", async () => {
    const { users } = await demoIds();
    await asUser("northAdmin", "northside", async (tx) => {
      const err = await refused(tx, (sp) =>
        sp.update(memberships).set({ role: "clinician" }).where(eq(memberships.userId, users.northAdmin)),
      );
      expect(err.message).toMatch(/at least one active admin/);
    });
  });

  it("organizations: your own, never another", async () => {
    const rows = await asUser("grey", "northside", (tx) => tx.select().from(organizations));
    expect(rows.map((o) => o.slug)).toEqual(["northside"]);
    const both = await asUser("locum", "northside", (tx) => tx.select().from(organizations));
    expect(both.map((o) => o.slug).sort()).toEqual(["lakeside", "northside"]);
  });

  it("organizations: only the admin changes the practice's settings; a clinician's UPDATE touches no row", async () => {
    // The update policy's USING hides the practice from a clinician, so the statement finds nothing
    // (a USING that let the row in would leave the refusal to the WITH CHECK: an error, not 0 rows).
    const byClinician = await asUser("grey", "northside", (tx) =>
      tx.execute(sql`update organizations set time_zone = 'Europe/Paris'`),
    );
    expect(byClinician.count).toBe(0);
    const byAdmin = await asUser("northAdmin", "northside", (tx) =>
      tx.execute(sql`update organizations set time_zone = 'Europe/Paris'`),
    );
    expect(byAdmin.count).toBe(1);
  });
});

describe("anyone", () => {
  it("cannot move a row to another org", async () => {
    const { orgs } = await demoIds();
    const own = await patientId(mrnOf(["grey"]));
    for (const user of ["grey", "northAdmin"] as const) {
      await asUser(user, "northside", async (tx) => {
        const err = await refused(tx, (sp) =>
          sp.update(patients).set({ orgId: orgs.lakeside }).where(eq(patients.id, own)),
        );
        expect(err.code).toBe("42501");
      });
    }
    // care_team rows are assigned and removed, never updated: the runtime role has no UPDATE grant.
    for (const user of ["grey", "northAdmin"] as const) {
      await asUser(user, "northside", async (tx) => {
        const err = await refused(tx, (sp) => sp.update(careTeam).set({ orgId: orgs.lakeside }));
        expect(err).toMatchObject({ code: "42501", message: "permission denied for table care_team" });
      });
    }
  });

  it("an admin's blanket read of any table holds no row of another practice", async () => {
    const { orgs } = await demoIds();
    // Every table with an org_id the admin role may read that holds rows of the other practice to leak.
    const tables = await ownerSql()`select c.relname as t from pg_class c
      join pg_attribute a on a.attrelid = c.oid and a.attname = 'org_id' and not a.attisdropped
      where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
        and has_column_privilege('careroster_admin', c.oid, a.attnum, 'SELECT') order by 1`;
    const reachable: string[] = [];
    for (const { t } of tables) {
      const [{ n }] = await ownerSql()`select count(*)::int as n from ${ownerSql()(t)} where org_id = ${orgs.lakeside}`;
      if (n > 0) reachable.push(t);
    }
    expect(reachable).toEqual(
      expect.arrayContaining(["appointments", "care_team", "coverage", "memberships", "patients"]),
    );
    const leaked = await asUser("northAdmin", "northside", async (tx) => {
      const counts: Record<string, number> = {};
      for (const t of reachable) {
        const [{ n }] = await tx.execute<{ n: number }>(
          sql`select (count(*) filter (where org_id <> ${orgs.northside}))::int as n from ${sql.identifier(t)}`,
        );
        counts[t] = n;
      }
      return counts;
    });
    expect(leaked).toEqual(Object.fromEntries(reachable.map((t) => [t, 0])));
  });

  it("not even the owner's own SQL (a definer function's rights) moves a row to another practice", async () => {
    const { orgs, users } = await demoIds();
    const guarded = [
      "access_grants",
      "allergies",
      "appointments",
      "care_team",
      "clinical_notes",
      "conditions",
      "coverage",
      "medication_statements",
      "patients",
      "smart_apps",
      "vital_signs",
    ];
    const owner = ownerSql();
    const withTrigger = await owner<{ table: string }[]>`
      select c.relname as table from pg_trigger t join pg_class c on c.oid = t.tgrelid
       where t.tgfoid = 'app_forbid_org_change'::regproc order by 1`;
    expect(withTrigger.map((t) => t.table)).toEqual(guarded);
    const outcomes: Record<string, string> = {};
    const rolledBack = new Error("rolled back");
    await owner
      .begin(async (tx) => {
        // The demo practice has no SMART app: one is registered inside this rolled-back transaction.
        await tx`insert into smart_apps (org_id, client_id, name, redirect_uris, confidential, scopes, created_by)
                 values (${orgs.northside}, 'org-move-probe', 'Org move probe', '{https://app.example.test/cb}',
                         false, '{patient/*.read}', ${users.northAdmin})`;
        for (const table of guarded) {
          const [row] = await tx`select ctid::text as ctid, org_id from ${tx(table)} limit 1`;
          const other = row.org_id === orgs.northside ? orgs.lakeside : orgs.northside;
          outcomes[table] = await tx
            .savepoint(async (sp) => {
              const moved = await sp`update ${sp(table)} set org_id = ${other} where ctid = ${row.ctid}::tid`;
              return `moved ${moved.count} row`;
            })
            .catch((err: Error) => err.message);
        }
        throw rolledBack;
      })
      .catch((err) => {
        if (err !== rolledBack) throw err;
      });
    // Notes, covers and clinical entries have their own lock, which fires first and refuses the same move.
    const entryLock = "recorded clinical content never changes; mark it entered in error and record it again";
    expect(outcomes).toEqual({
      ...Object.fromEntries(guarded.map((t) => [t, "org_id cannot change"])),
      allergies: entryLock,
      conditions: entryLock,
      medication_statements: entryLock,
      vital_signs: entryLock,
      clinical_notes: "a note keeps its author, patient and place in the record",
      coverage: "a coverage can only be ended, once",
    });
  });

  it("break-glass grants are visible to their clinician and the admin only", async () => {
    const { users, orgs } = await demoIds();
    const target = await patientId(mrnOf([]));
    await asUser("grey", "northside", async (tx) => {
      await tx.insert(accessGrants).values({
        orgId: orgs.northside,
        clinicianId: users.grey,
        patientId: target,
        reason: "Emergency: patient unconscious in clinic",
        expiresAt: sql`now() + interval '1 hour'` as unknown as Date,
      });
      expect(await tx.select().from(patients).where(eq(patients.id, target))).toHaveLength(1);
      const forOther = await refused(tx, (sp) =>
        sp.insert(accessGrants).values({
          orgId: orgs.northside,
          clinicianId: users.shepherd,
          patientId: target,
          reason: "Emergency for someone else",
          expiresAt: sql`now() + interval '1 hour'` as unknown as Date,
        }),
      );
      expect(forOther.message).toMatch(RLS_REFUSED);
    });
  });
});

describe("org_sso", () => {
  it("an admin reads, changes and removes their own practice's SSO settings only; a clinician none", async () => {
    const { orgs } = await demoIds();
    const owner = ownerSql();
    const made = await owner`
      insert into org_sso (org_id, issuer, client_id, client_secret_enc)
      values (${orgs.northside}, 'https://idp.north.test', 'north-client', 'enc'),
             (${orgs.lakeside}, 'https://idp.lake.test', 'lake-client', 'enc')
      on conflict (org_id) do nothing returning org_id`;
    try {
      const seen = await asUser("northAdmin", "northside", async (tx) => ({
        rows: (await tx.execute(sql`select org_id from org_sso`)).map((r) => r.org_id),
        updated: (await tx.execute(sql`update org_sso set client_id = 'changed'`)).count,
        deleted: (await tx.execute(sql`delete from org_sso`)).count,
      }));
      expect(seen).toEqual({ rows: [orgs.northside], updated: 1, deleted: 1 });
      const byClinician = await asUser("grey", "northside", async (tx) => ({
        rows: (await tx.execute(sql`select org_id from org_sso`)).length,
        deleted: (await tx.execute(sql`delete from org_sso`)).count,
      }));
      expect(byClinician).toEqual({ rows: 0, deleted: 0 });
    } finally {
      await owner`delete from org_sso where org_id = any(${made.map((r) => r.org_id as string)})`;
    }
  });
  it("nobody writes SSO settings for another practice, nor for their own without being its admin", async () => {
    const { orgs } = await demoIds();
    const insert = (org: string) =>
      sql`insert into org_sso (org_id, issuer, client_id, client_secret_enc) values (${org}, 'https://idp.forged.test', 'vitest-forged', 'enc')`;
    try {
      const byAdmin = await asUser("northAdmin", "northside", (tx) =>
        refused(tx, (sp) => sp.execute(insert(orgs.lakeside))),
      );
      expect(byAdmin.message).toMatch(RLS_REFUSED);
      const byClinician = await asUser("grey", "northside", (tx) =>
        refused(tx, (sp) => sp.execute(insert(orgs.northside))),
      );
      expect(byClinician.message).toMatch(RLS_REFUSED);
    } finally {
      expect((await ownerSql()`delete from org_sso where client_id = 'vitest-forged'`).count).toBe(0);
    }
  });
});

describe("org_sso_domains", () => {
  it("an admin reads and removes their own practice's SSO domains only, even with no WHERE; a clinician none", async () => {
    const { orgs } = await demoIds();
    const owner = ownerSql();
    const domains = [`n${randomUUID().slice(0, 8)}.matrix-test.org`, `l${randomUUID().slice(0, 8)}.matrix-test.org`];
    await owner`insert into org_sso_domains (org_id, domain) values (${orgs.northside}, ${domains[0]}), (${orgs.lakeside}, ${domains[1]})`;
    try {
      const mine = (tx: Tx) =>
        tx.execute(sql`select domain from org_sso_domains where domain in (${domains[0]}, ${domains[1]})`);
      const [{ n: northCount }] =
        await owner`select count(*)::int as n from org_sso_domains where org_id = ${orgs.northside}`;
      // With no WHERE the SELECT policy plays no part: the delete policy alone keeps Lakeside's rows out.
      const byAdmin = await asUser("northAdmin", "northside", async (tx) => ({
        rows: (await mine(tx)).map((r) => r.domain),
        deleted: (await tx.execute(sql`delete from org_sso_domains`)).count,
      }));
      expect(byAdmin).toEqual({ rows: [domains[0]], deleted: northCount });
      const byClinician = await asUser("grey", "northside", async (tx) => ({
        rows: (await mine(tx)).length,
        deleted: (await tx.execute(sql`delete from org_sso_domains`)).count,
      }));
      expect(byClinician).toEqual({ rows: 0, deleted: 0 });
    } finally {
      await owner`delete from org_sso_domains where domain = any(${domains})`;
    }
  });

  it("only the admin claims a domain, and only for their own practice", async () => {
    const { orgs } = await demoIds();
    const claim = (org: string) =>
      sql`insert into org_sso_domains (org_id, domain) values (${org}, ${`c${randomUUID().slice(0, 8)}.matrix-test.org`})`;
    const byClinician = await asUser("grey", "northside", (tx) =>
      refused(tx, (sp) => sp.execute(claim(orgs.northside))),
    );
    expect(byClinician.message).toMatch(RLS_REFUSED);
    const elsewhere = await asUser("northAdmin", "northside", (tx) =>
      refused(tx, (sp) => sp.execute(claim(orgs.lakeside))),
    );
    expect(elsewhere.message).toMatch(RLS_REFUSED);
  });
});
