import { randomUUID } from "node:crypto";
import { type SQL, sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withRlsContext } from "@/server/db/context";
import { accessGrants, careTeam, clinicalNotes } from "@/server/db/schema";
import {
  asUser,
  callerFor,
  demoIds,
  newSession,
  ownerSql,
  pgError,
  runtimeDb,
  runtimeUrl,
  trpcCode,
} from "@/tests/helpers/db";

// What an attacker holding the runtime role's credentials, or an insider, tried
// around the policies. Each test asserts what the database refused, not what the UI hides.

const runtimeRole = () => decodeURIComponent(new URL(runtimeUrl()).username);

describe("the runtime role cannot reach the owner's rights", () => {
  it("creates no temporary objects and nothing in any schema", async () => {
    const attacker = postgres(runtimeUrl(), { max: 1, onnotice: () => {} });
    try {
      expect((await pgError(attacker`create temp table t (x int)`)).code).toBe("42501");
      expect((await pgError(attacker`create table public.t (x int)`)).code).toBe("42501");
      expect((await pgError(attacker`create schema evil`)).code).toBe("42501");
      const [priv] = await attacker`
        select has_database_privilege(current_database(), 'TEMPORARY') as temp,
               has_database_privilege(current_database(), 'CREATE') as create_schema`;
      expect(priv).toEqual({ temp: false, create_schema: false });
    } finally {
      await attacker.end();
    }
  });

  // Even granted TEMPORARY by mistake, a pg_temp domain named like a built-in type must not be
  // resolved inside a definer function: every call below would otherwise log the owner's name.
  describe("the pg_temp domain trick against every definer function", () => {
    let attacker: postgres.Sql;
    // A notice leaves the server at once, so a call that then raises (bad dummy input) and rolls
    // back still reports who ran the planted code.
    const seen = new Set<string>();
    const database = () => new URL(runtimeUrl()).pathname.slice(1);
    beforeAll(async () => {
      await ownerSql().unsafe(`grant temporary on database "${database()}" to "${runtimeRole()}"`);
      attacker = postgres(runtimeUrl(), {
        max: 1,
        onnotice: (n) => {
          if (n.message.startsWith("spy:")) seen.add(n.message.slice(4));
        },
      });
      await attacker.unsafe(`
        create function pg_temp.spy(anyelement) returns boolean language plpgsql as
          $$ begin raise notice 'spy:%', current_user; return true; end $$;
        create domain pg_temp.uuid as pg_catalog.uuid check (pg_temp.spy(value));
        create domain pg_temp.text as pg_catalog.text check (pg_temp.spy(value));
        create domain pg_temp.bool as pg_catalog.bool check (pg_temp.spy(value));
        create domain pg_temp.int4 as pg_catalog.int4 check (pg_temp.spy(value));
        create domain pg_temp.timestamptz as pg_catalog.timestamptz check (pg_temp.spy(value));`);
    });
    afterAll(async () => {
      await attacker?.end();
      await ownerSql().unsafe(`revoke temporary on database "${database()}" from "${runtimeRole()}"`);
    });

    it("a deliberately unsafe definer function shows the trick works (the test can fail)", async () => {
      await ownerSql().begin(async (tx) => {
        await tx`set local role careroster_owner`;
        await tx.unsafe(`
          create function public.test_unsafe_definer() returns text language sql security definer
            set search_path = pg_catalog, public as $$ select 'x'::text $$;
          grant execute on function public.test_unsafe_definer() to careroster_runtime`);
      });
      try {
        seen.clear();
        await attacker`select public.test_unsafe_definer()`;
        expect([...seen]).toContain("careroster_owner");
      } finally {
        await ownerSql()`drop function public.test_unsafe_definer()`;
      }
    });

    it("no app function runs the caller's pg_temp code as anyone but the caller", async () => {
      const { users, orgs } = await demoIds();
      const fns = await ownerSql()<{ name: string; args: string[] }[]>`
        select p.proname as name, array(select format_type(t, null) from unnest(p.proargtypes) t) as args
        from pg_proc p
        where p.pronamespace = 'public'::regnamespace and p.prosecdef and p.prorettype <> 'trigger'::regtype
          and has_function_privilege(${runtimeRole()}, p.oid, 'EXECUTE')
        order by 1`;
      // The ones the attacker may call at all (the sign-in path's own functions refuse it before they start).
      expect(fns.length).toBeGreaterThanOrEqual(10);
      const arg = (type: string) =>
        ({
          uuid: `'${users.grey}'::pg_catalog.uuid`,
          text: `'grey@northside.test'::pg_catalog.text`,
          "text[]": `array['${"0".repeat(64)}']::pg_catalog.text[]`,
          interval: `'1 minute'::pg_catalog.interval`,
        })[type] ?? `null::pg_catalog.${type}`;
      seen.clear();
      let ran = 0;
      for (const fn of fns) {
        const call = `select * from public.${fn.name}(${fn.args.map(arg).join(", ")})`;
        // With and without a context, so both branches of each function run. Some refuse the
        // dummy input with an error of their own; that is fine, the notices still arrive.
        await attacker
          .begin(async (tx) => {
            await tx`select set_config('app.user_id', ${users.grey}, true), set_config('app.org_id', ${orgs.northside}, true)`;
            await tx.unsafe(call);
          })
          .then(
            () => ran++,
            () => undefined,
          );
        await attacker.unsafe(call).catch(() => undefined);
      }
      expect(ran).toBeGreaterThan(fns.length / 2);
      await ownerSql()`delete from login_attempts where key_hash = ${"0".repeat(64)}`;
      expect([...seen].filter((w) => w !== runtimeRole())).toEqual([]);
    });
  });

  it("every app function is owned by careroster_owner, which is no superuser, and none is executable by PUBLIC", async () => {
    const rows = await ownerSql()`
      select p.proname, r.rolname as owner, r.rolsuper, p.prosecdef, p.proconfig,
             exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a where a.grantee = 0) as public_exec
      from pg_proc p join pg_roles r on r.oid = p.proowner
      where p.pronamespace = 'public'::regnamespace`;
    expect(rows.length).toBeGreaterThan(0);
    for (const f of rows) {
      expect({ fn: f.proname, owner: f.owner, superuser: f.rolsuper, public: f.public_exec }).toEqual({
        fn: f.proname,
        owner: "careroster_owner",
        superuser: false,
        public: false,
      });
      if (f.prosecdef) expect(f.proconfig, f.proname).toContain("search_path=pg_catalog, pg_temp");
    }
    const [owner] =
      await ownerSql()`select rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname = 'careroster_owner'`;
    expect(owner).toEqual({ rolsuper: false, rolbypassrls: true, rolcanlogin: false });
  });
});

describe("nobody grants themselves access", () => {
  it("an admin cannot put themselves on a care team, through the API or with SQL", async () => {
    const { users, orgs } = await demoIds();
    const [p] =
      await ownerSql()`select id from patients where org_id = ${orgs.northside} and archived_at is null limit 1`;
    const admin = await callerFor("northAdmin", "northside");
    expect(await trpcCode(admin.admin.careTeam.assign({ clinicianId: users.northAdmin, patientIds: [p.id] }))).toBe(
      "FORBIDDEN",
    );
    await asUser("northAdmin", "northside", async (tx) => {
      const self = await pgError(
        tx.transaction((sp) =>
          sp.insert(careTeam).values({
            orgId: orgs.northside,
            clinicianId: users.northAdmin,
            patientId: p.id,
            assignedBy: users.northAdmin,
          }),
        ),
      );
      expect(self.code).toBe("42501");
      // Nor by signing the assignment in a colleague's name.
      const forged = await pgError(
        tx.transaction((sp) =>
          sp
            .insert(careTeam)
            .values({ orgId: orgs.northside, clinicianId: users.shepherd, patientId: p.id, assignedBy: users.grey }),
        ),
      );
      expect(forged.code).toBe("42501");
    });
    const [{ n }] = await ownerSql()`select count(*)::int as n from care_team where clinician_id = ${users.northAdmin}`;
    expect(n).toBe(0);
  });

  it("the reviewer of an emergency grant is never its grantee", async () => {
    const { users, orgs } = await demoIds();
    const [p] =
      await ownerSql()`select id from patients where org_id = ${orgs.northside} and archived_at is null limit 1`;
    const admin = await callerFor("northAdmin", "northside");
    const grant = await admin.breakGlass.request({
      patientId: p.id,
      reason: "Vitest boundary: admin reads notes in an emergency",
    });
    try {
      expect(await trpcCode(admin.admin.breakGlass.review({ id: grant.id, comment: "Looks fine to me" }))).toBe(
        "FORBIDDEN",
      );
      await asUser("northAdmin", "northside", async (tx) => {
        const own = await pgError(
          tx.transaction((sp) =>
            sp
              .update(accessGrants)
              .set({ reviewedBy: users.northAdmin, reviewedAt: new Date(), reviewComment: "self" })
              .where(sql`id = ${grant.id}`),
          ),
        );
        expect(own.code).toBe("42501");
      });
      // The review page flags it instead of offering the form.
      const queue = await admin.admin.breakGlass.list();
      expect(queue.find((g) => g.id === grant.id)).toMatchObject({ own: true });
      // Northside has one admin: the posture page counts the grant nobody else can review.
      expect((await admin.admin.security.posture()).practice.unreviewableGrants).toBe(1);
      // An admin cannot sign a review in someone else's name either.
      const [other] = await ownerSql()`
        insert into access_grants (org_id, clinician_id, patient_id, reason, expires_at)
        values (${orgs.northside}, ${users.grey}, ${p.id}, 'Vitest boundary: grey in an emergency', now() + interval '1 hour') returning id`;
      await asUser("northAdmin", "northside", async (tx) => {
        const forged = await pgError(
          tx.transaction((sp) =>
            sp
              .update(accessGrants)
              .set({ reviewedBy: users.shepherd, reviewedAt: new Date(), reviewComment: "forged" })
              .where(sql`id = ${other.id}`),
          ),
        );
        expect(forged.code).toBe("42501");
      });
      expect((await admin.admin.breakGlass.review({ id: other.id, comment: "Checked with grey" })).reviewedBy).toBe(
        users.northAdmin,
      );
    } finally {
      await ownerSql()`delete from access_grants where reason like 'Vitest boundary:%'`;
    }
  });

  it("a grant is always created unreviewed, so it reaches the review queue", async () => {
    const { users, orgs } = await demoIds();
    const [p] =
      await ownerSql()`select id from patients where org_id = ${orgs.northside} and archived_at is null limit 1`;
    await asUser("grey", "northside", async (tx) => {
      const base = {
        orgId: orgs.northside,
        clinicianId: users.grey,
        patientId: p.id,
        reason: "Vitest boundary: pre-reviewed",
        expiresAt: sql`now() + interval '1 hour'` as unknown as Date,
      };
      expect(
        (await pgError(tx.transaction((sp) => sp.insert(accessGrants).values({ ...base, reviewedAt: new Date() }))))
          .code,
      ).toBe("42501");
      expect(
        (await pgError(tx.transaction((sp) => sp.insert(accessGrants).values({ ...base, reviewComment: "fine" }))))
          .code,
      ).toBe("42501");
      // Nor backdated: the grant starts when it is asked for, as the review queue shows it.
      const backdated = sql`now() - interval '1 day'` as unknown as Date;
      expect(
        (await pgError(tx.transaction((sp) => sp.insert(accessGrants).values({ ...base, grantedAt: backdated })))).code,
      ).toBe("42501");
      expect(
        (
          await pgError(
            tx.transaction((sp) => sp.insert(accessGrants).values({ ...base, reviewedBy: users.northAdmin })),
          )
        ).code,
      ).toBe("42501");
    });
  });
});

describe("archived means read-only for clinicians", () => {
  let patientId: string;
  let noteId: string;
  let appointmentId: string;
  beforeAll(async () => {
    const { users } = await demoIds();
    const admin = await callerFor("northAdmin", "northside");
    const created = await admin.patients.create({
      mrn: `T-ARCH-${randomUUID().slice(0, 6)}`,
      givenName: "Orla",
      familyName: "Archivetest",
      birthDate: "1970-03-03",
      sex: "female",
    });
    patientId = created.id;
    await admin.admin.careTeam.assign({ clinicianId: users.grey, patientIds: [patientId] });
    const grey = await callerFor("grey", "northside");
    noteId = (await grey.notes.create({ patientId, body: "Before archiving." })).id;
    appointmentId = (
      await grey.appointments.create({
        patientId,
        startsAt: new Date(Date.now() + 5 * 86_400_000),
        durationMinutes: 15,
        reason: "Follow-up",
      })
    ).id;
    await admin.patients.archive({ id: patientId });
  });

  afterAll(async () => {
    // Leave the demo practice as seeded: later files compare panels with the demo data.
    const sql_ = ownerSql();
    for (const table of ["clinical_notes", "appointments", "care_team", "access_grants"]) {
      await sql_`delete from ${sql_(table)} where patient_id = ${patientId}`;
    }
    await sql_`delete from patients where id = ${patientId}`;
  });

  it("every clinician write to an archived patient is refused, through the API and with SQL", async () => {
    const grey = await callerFor("grey", "northside");
    expect(await trpcCode(grey.notes.update({ id: noteId, body: "Changed after archiving" }))).toBe("NOT_FOUND");
    expect(await trpcCode(grey.notes.create({ patientId, body: "New after archiving" }))).not.toBe("OK");
    expect(await trpcCode(grey.appointments.cancel({ id: appointmentId }))).toBe("NOT_FOUND");
    expect(
      await trpcCode(
        grey.appointments.create({
          patientId,
          startsAt: new Date(Date.now() + 6 * 86_400_000),
          durationMinutes: 15,
          reason: "x",
        }),
      ),
    ).not.toBe("OK");
    expect(await trpcCode(grey.patients.update({ id: patientId, version: 2, givenName: "Changed" }))).not.toBe("OK");
    // Emergency access to it is refused too, exactly like a patient that does not exist.
    const shepherd = await callerFor("shepherd", "northside");
    expect(
      await trpcCode(shepherd.breakGlass.request({ patientId, reason: "Vitest boundary: archived patient" })),
    ).toBe("NOT_FOUND");
    expect(
      await trpcCode(
        shepherd.breakGlass.request({ patientId: randomUUID(), reason: "Vitest boundary: no such patient" }),
      ),
    ).toBe("NOT_FOUND");

    await asUser("grey", "northside", async (tx) => {
      expect(
        await tx
          .update(clinicalNotes)
          .set({ body: "sql edit" })
          .where(sql`id = ${noteId}`)
          .returning(),
      ).toEqual([]);
      expect(
        await tx
          .select()
          .from(clinicalNotes)
          .where(sql`patient_id = ${patientId}`),
      ).toEqual([]);
      expect(
        await tx
          .select()
          .from(careTeam)
          .where(sql`patient_id = ${patientId}`),
      ).toEqual([]);
    });
    const [state] = await ownerSql()`
      select (select body from clinical_notes where id = ${noteId}) as body,
             (select status from appointments where id = ${appointmentId}) as status,
             (select count(*)::int from clinical_notes where patient_id = ${patientId}) as notes,
             (select count(*)::int from access_grants where patient_id = ${patientId}) as grants`;
    expect(state).toEqual({ body: "Before archiving.", status: "scheduled", notes: 1, grants: 0 });
  });

  it("restored, the same clinician may write again", async () => {
    const admin = await callerFor("northAdmin", "northside");
    await admin.patients.restore({ id: patientId });
    const grey = await callerFor("grey", "northside");
    expect((await grey.notes.update({ id: noteId, body: "After restore." })).body).toBe("After restore.");
  });
});

describe("the last active admin holds under concurrency", () => {
  const orgId = randomUUID();
  const a = randomUUID();
  const b = randomUUID();
  beforeAll(async () => {
    const sql_ = ownerSql();
    await sql_`insert into organizations (id, name, slug) values (${orgId}, 'Race Test Practice', ${`race-${orgId.slice(0, 8)}`})`;
    await sql_`insert into users (id, email, name, password_hash) values (${a}, ${`race-a-${a}@example.test`}, 'Race A', 'x'), (${b}, ${`race-b-${b}@example.test`}, 'Race B', 'x')`;
    await sql_`insert into memberships (user_id, org_id, role) values (${a}, ${orgId}, 'admin'), (${b}, ${orgId}, 'admin')`;
  });
  afterAll(async () => {
    const sql_ = ownerSql();
    await sql_`delete from memberships where org_id = ${orgId}`;
    await sql_`delete from sessions where user_id in (${a}, ${b})`;
    await sql_`delete from users where id in (${a}, ${b})`;
    await sql_`delete from organizations where id = ${orgId}`;
  });

  it("20 rounds of two admins demoting each other at once always leave one active admin", async () => {
    let raced = 0;
    for (let round = 0; round < 20; round++) {
      await ownerSql()`update memberships set role = 'admin', status = 'active' where org_id = ${orgId}`;
      // Both transactions hold their context before either writes; then both UPDATEs start together.
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let ready = 0;
      const keys = { [a]: await newSession(a, orgId), [b]: await newSession(b, orgId) };
      const demote = (actor: string, target: string) =>
        withRlsContext(runtimeDb(), { kind: "session", ...keys[actor] }, async (tx) => {
          if (++ready === 2) release();
          await gate;
          return tx.execute(
            sql`update memberships set role = 'clinician' where org_id = ${orgId} and user_id = ${target} returning user_id`,
          );
        });
      const results = await Promise.allSettled([demote(a, b), demote(b, a)]);
      for (const r of results) {
        if (r.status === "rejected") {
          expect((await pgError(Promise.reject(r.reason))).code).toBe("CR007");
          raced++;
        }
      }
      const [{ n }] =
        await ownerSql()`select count(*)::int as n from memberships where org_id = ${orgId} and role = 'admin' and status = 'active'`;
      expect(n).toBe(1);
    }
    // Rounds where the second UPDATE started after the first commit are refused by the policy (the
    // demoted admin is no longer one); the rounds that truly overlapped are what the lock decides.
    expect(raced).toBeGreaterThan(0);
  });
});

describe("reminders stay in their appointment's practice", () => {
  it("a reminder row cannot point at another practice's appointment", async () => {
    const { orgs } = await demoIds();
    const [foreign] = await ownerSql()`select id, patient_id from appointments where org_id = ${orgs.lakeside} limit 1`;
    const [own] = await ownerSql()`select id from patients where org_id = ${orgs.northside} limit 1`;
    // Even the owner cannot: the composite key is a table constraint, not a policy.
    const err = await pgError(ownerSql()`
      insert into appointment_reminders (org_id, appointment_id, patient_id, remind_on)
      values (${orgs.northside}, ${foreign.id}, ${own.id}, current_date)`);
    expect(err.code).toBe("23503");
  });
});

describe("an update policy's USING hides rows by itself", () => {
  // A blanket UPDATE (no WHERE, a constant value) reads no column, so the SELECT policies play no
  // part: only each UPDATE policy's USING keeps rows out of reach. A clinician with an empty panel
  // (no care team, cover or grant) and no admin role may update nothing in these tables, and with a
  // one-patient panel only that patient's rows; a USING that let rows in would show as more rows
  // touched or as the WITH CHECK's refusal.
  // Every table with both an update policy and an UPDATE grant (care_team rows are never updated).
  const TABLES = [
    "patients",
    "appointments",
    "clinical_notes",
    "conditions",
    "allergies",
    "medication_statements",
    "vital_signs",
    "coverage",
    "access_grants",
    "invitations",
    "mrn_sequences",
    "organizations",
  ];
  const user = randomUUID();
  let org: string;

  const MARK = `Vitest USING fixture ${user}`;
  let sequenceAdded = false;

  beforeAll(async () => {
    const { users, orgs } = await demoIds();
    org = orgs.northside;
    await ownerSql()`insert into users (id, email, name, password_hash) values (${user}, ${`empty-${user}@boundary.test`}, 'Dr. Empty Panel', 'x')`;
    await ownerSql()`insert into memberships (user_id, org_id, role) values (${user}, ${org}, 'clinician')`;
    // Rows of others in every table, live where life matters (a pending invitation, a running cover and
    // grant), so that a USING letting the caller in has something to reach.
    const [patient] = await ownerSql()`select id from patients where org_id = ${org} and archived_at is null limit 1`;
    await ownerSql()`insert into invitations (org_id, email, name, role, token_hash, invited_by, expires_at)
      values (${org}, ${`invitee-${user}@boundary.test`}, ${MARK}, 'clinician', ${MARK}, ${users.northAdmin}, now() + interval '1 day')`;
    await ownerSql()`insert into coverage (org_id, covering_id, covered_id, reason, ends_at, created_by)
      values (${org}, ${users.locum}, ${users.shepherd}, ${MARK}, now() + interval '1 day', ${users.northAdmin})`;
    await ownerSql()`insert into access_grants (org_id, clinician_id, patient_id, reason, expires_at)
      values (${org}, ${users.shepherd}, ${patient.id}, ${MARK}, now() + interval '1 hour')`;
    sequenceAdded =
      (await ownerSql()`insert into mrn_sequences (org_id) values (${org}) on conflict do nothing returning org_id`)
        .length > 0;
    // And the caller's own draft on a patient outside their panel (written before the care team
    // changed): authorship alone must not reach it.
    await ownerSql()`insert into clinical_notes (org_id, patient_id, author_id, body)
      select ${org}, id, ${user}, ${MARK} from patients where org_id = ${org} and archived_at is null
       order by mrn desc limit 1`;
  });
  afterAll(async () => {
    await ownerSql()`delete from invitations where name = ${MARK}`;
    await ownerSql()`delete from coverage where reason = ${MARK}`;
    await ownerSql()`delete from access_grants where reason = ${MARK}`;
    if (sequenceAdded) await ownerSql()`delete from mrn_sequences where org_id = ${org}`;
    await ownerSql()`delete from clinical_note_versions where note_id in (select id from clinical_notes where author_id = ${user})`;
    await ownerSql()`delete from clinical_notes where author_id = ${user}`;
    await ownerSql()`delete from audit_events where actor_id = ${user}`;
    await ownerSql()`delete from sessions where user_id = ${user}`;
    await ownerSql()`delete from memberships where user_id = ${user}`;
    await ownerSql()`delete from users where id = ${user}`;
  });

  /** Each statement in its own savepoint, in one session of `user` that is rolled back: rows touched, or the refusal. */
  async function blanket(statements: Record<string, SQL>): Promise<Record<string, number | string>> {
    const key = await newSession(user, org);
    const touched: Record<string, number | string> = {};
    await withRlsContext(runtimeDb(), { kind: "session", ...key }, async (tx) => {
      for (const [name, statement] of Object.entries(statements)) {
        touched[name] = await tx
          .transaction(async (sp) => (await sp.execute(statement)).count)
          .catch((err: Error) => `refused: ${(err.cause as Error | undefined)?.message ?? err.message}`);
      }
      // Nothing is kept, whatever happened above.
      tx.rollback();
    }).catch((err: unknown) => {
      if (!(err instanceof Error && /rollback/i.test(err.message))) throw err;
    });
    return touched;
  }

  it("a clinician with an empty panel touches no row of any table with an update policy, column by column", async () => {
    const columns = await ownerSql()<{ table: string; column: string }[]>`
      select table_name as table, column_name as column from information_schema.column_privileges
       where table_schema = 'public' and privilege_type = 'UPDATE' and table_name = any(${TABLES})
         and grantee in ('careroster_runtime', 'careroster_clinician')
       order by 1, 2`;
    expect(new Set(columns.map((c) => c.table))).toEqual(new Set(TABLES));
    for (const table of TABLES) {
      const key = table === "organizations" ? "id" : "org_id";
      const [{ n }] =
        await ownerSql()`select count(*)::int as n from ${ownerSql()(table)} where ${ownerSql()(key)} = ${org}`;
      expect(n, table).toBeGreaterThan(0);
    }
    const touched = await blanket(
      Object.fromEntries(
        columns.map(({ table, column }) => [
          `${table}.${column}`,
          sql`update ${sql.identifier(table)} set ${sql.identifier(column)} = null`,
        ]),
      ),
    );
    expect(touched).toEqual(Object.fromEntries(columns.map((c) => [`${c.table}.${c.column}`, 0])));
    // Nor does a clinician read the practice's pending invitation (who is invited is the admins' business).
    expect(await blanket({ invitations: sql`select id from invitations` })).toEqual({ invitations: 0 });
  });

  it("a clinician whose panel is one patient updates exactly that patient's rows", async () => {
    // With one visible patient, a USING or check that asked for "any other visible patient" (`<>`
    // for `=`) would reach every other patient's rows, or refuse the patient's own.
    const { users } = await demoIds();
    const [patient] = await ownerSql()`
      select id from patients where org_id = ${org} and archived_at is null order by mrn limit 1`;
    await ownerSql()`insert into care_team (org_id, clinician_id, patient_id, assigned_by)
      values (${org}, ${user}, ${patient.id}, ${users.northAdmin})`;
    const [visit] = await ownerSql()`
      insert into appointments (org_id, patient_id, clinician_id, starts_at, ends_at)
      values (${org}, ${patient.id}, ${user}, '2031-02-03T09:00:00Z', '2031-02-03T09:30:00Z') returning id`;
    const [draft] = await ownerSql()`
      insert into clinical_notes (org_id, patient_id, author_id, body)
      values (${org}, ${patient.id}, ${user}, 'Vitest one-patient draft') returning id`;
    try {
      const [{ visits }] = await ownerSql()`
        select count(*)::int as visits from appointments where org_id = ${org} and patient_id = ${patient.id}`;
      const touched = await blanket({
        patients: sql`update patients set phone = null`,
        appointments: sql`update appointments set status = 'cancelled'`,
        clinical_notes: sql`update clinical_notes set body = 'Vitest edited draft'`,
      });
      expect(touched).toEqual({ patients: 1, appointments: visits, clinical_notes: 1 });
    } finally {
      await ownerSql()`delete from clinical_note_versions where note_id = ${draft.id}`;
      await ownerSql()`delete from clinical_notes where id = ${draft.id}`;
      await ownerSql()`delete from appointments where id = ${visit.id}`;
      await ownerSql()`delete from care_team where clinician_id = ${user}`;
    }
  });
});
