import postgres from "postgres";
import type { SessionKey } from "@/server/auth/sessions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authUrl, demoIds, newSession, ownerSql, pgError, runtimeUrl } from "@/tests/helpers/db";

// An attacker holds the runtime role's credentials (an injection bug, a leaked env file) and talks
// to PostgreSQL directly: no app, no cookie, no AUTH secret. Whatever they set or call, the
// policies see no one, no password hash is readable, and no session can be made or entered.

let sql: postgres.Sql;
beforeAll(() => {
  sql = postgres(runtimeUrl(), { max: 1, onnotice: () => {} });
});
afterAll(() => sql.end());

/** Runs `fn` in a transaction that is always rolled back. */
async function inTx<T>(fn: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
  let out: T;
  const rollback = new Error("rollback");
  await sql
    .begin(async (tx) => {
      out = await fn(tx);
      throw rollback;
    })
    .catch((err) => {
      if (err !== rollback) throw err;
    });
  return out!;
}

/** Runs `fn` in a clinician's own live session with the admin role set by hand (`SET ROLE`), rolled back. */
function asAdminRoleByHand<T>(key: SessionKey, fn: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
  return inTx(async (tx) => {
    await tx`select * from app_context_enter(${key.sessionId}::uuid, ${key.secret})`;
    await tx`set local role careroster_admin`;
    return fn(tx);
  });
}

/** The SQLSTATE a statement fails with, or "OK". */
async function code(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return "OK";
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

/** What the transaction can see: its identity and a count of every tenant table. */
async function seen(tx: postgres.TransactionSql) {
  const [row] = await tx`select app_user_id() as user_id, app_org_id() as org_id,
    (select count(*)::int from patients) as patients, (select count(*)::int from clinical_notes) as notes,
    (select count(*)::int from memberships) as memberships, (select count(*)::int from audit_events) as audit,
    (select count(*)::int from sessions) as sessions`;
  return row;
}
const nothing = { user_id: null, org_id: null, patients: 0, notes: 0, memberships: 0, audit: 0, sessions: 0 };

describe("an attacker holding the runtime role's credentials", () => {
  it("forging the identity settings by hand reads as no one, MAC and all", async () => {
    const { users, orgs } = await demoIds();
    const forged = await inTx(async (tx) => {
      await tx`select set_config('app.user_id', ${users.lakeAdmin}, true), set_config('app.org_id', ${orgs.lakeside}, true),
        set_config('app.context_kind', 'session', true), set_config('app.context_mac', repeat('a', 64), true)`;
      await tx`set local role careroster_admin`;
      return seen(tx);
    });
    expect(forged).toEqual(nothing);
  });

  it("a clinician's own session with the admin role set by hand reads or changes nothing the admin policies guard", async () => {
    const { users, orgs } = await demoIds();
    const key = await newSession(users.grey, orgs.northside);
    // Every table an admin policy lets read, and each it lets change with a column the runtime may set.
    const reads = (
      await ownerSql()`select distinct tablename as t from pg_policies
        where schemaname = 'public' and 'careroster_admin' = any(roles) and cmd in ('SELECT', 'ALL') order by 1`
    ).map((r) => r.t as string);
    expect(reads).toEqual(["appointment_reminders", "appointments", "care_team", "coverage", "patients"]);
    const writes = await ownerSql()`
      select p.tablename as t, min(c.column_name) as col from pg_policies p
        join information_schema.column_privileges c
          on c.table_schema = 'public' and c.table_name = p.tablename
         and c.grantee = 'careroster_runtime' and c.privilege_type = 'UPDATE'
       where p.schemaname = 'public' and 'careroster_admin' = any(p.roles) and p.cmd in ('UPDATE', 'ALL')
       group by 1 order by 1`;
    expect(writes.map((r) => r.t)).toEqual(["appointments", "coverage", "mrn_sequences", "patients"]);
    // Each with a row of the practice: a reminder, a cover between two colleagues and an MRN sequence are made.
    const reminder = await ownerSql()`
      insert into appointment_reminders (org_id, appointment_id, patient_id, remind_on)
      select org_id, id, patient_id, current_date from appointments where org_id = ${orgs.northside} limit 1
      on conflict do nothing returning id`;
    const sequence =
      await ownerSql()`insert into mrn_sequences (org_id) values (${orgs.northside}) on conflict do nothing returning org_id`;
    await ownerSql()`insert into coverage (org_id, covering_id, covered_id, reason, ends_at, created_by)
      values (${orgs.northside}, ${users.locum}, ${users.shepherd}, 'Vitest admin-role probe', now() + interval '1 day', ${users.northAdmin})`;
    try {
      for (const t of new Set([...reads, ...writes.map((w) => w.t as string)])) {
        const [{ n }] =
          await ownerSql()`select count(*)::int as n from ${ownerSql()(t)} where org_id = ${orgs.northside}`;
        expect(n, t).toBeGreaterThan(0);
      }
      const seen = await asAdminRoleByHand(key, async (tx) => {
        const counts: Record<string, number> = {};
        for (const t of reads) counts[t] = (await tx`select count(*)::int as n from ${tx(t)}`)[0].n;
        return counts;
      });
      expect(seen).toEqual(Object.fromEntries(reads.map((t) => [t, 0])));
      // A blind write (it reads no column, so only the UPDATE policies are asked, not the SELECT ones):
      // the admin policies' USING hides every row, and the update meets none (no error from a WITH CHECK).
      const changed = await asAdminRoleByHand(key, async (tx) => {
        const counts: Record<string, number> = {};
        for (const { t, col } of writes) counts[t] = (await tx`update ${tx(t)} set ${tx(col)} = null`).count;
        return counts;
      });
      expect(changed).toEqual(Object.fromEntries(writes.map(({ t }) => [t, 0])));
    } finally {
      if (reminder.length > 0) await ownerSql()`delete from appointment_reminders where id = ${reminder[0].id}`;
      if (sequence.length > 0) await ownerSql()`delete from mrn_sequences where org_id = ${orgs.northside}`;
      await ownerSql()`delete from coverage where reason = 'Vitest admin-role probe'`;
    }
  });

  it("a clinician's own session with the admin role set by hand arranges or ends no cover between two colleagues", async () => {
    // An accomplice covering a colleague would see the colleague's whole panel: only an admin arranges that.
    const { users, orgs } = await demoIds();
    const key = await newSession(users.grey, orgs.northside);
    const err = await pgError(
      asAdminRoleByHand(key, async (tx) => {
        await tx`insert into coverage (org_id, covering_id, covered_id, reason, ends_at, created_by)
          values (${orgs.northside}, ${users.locum}, ${users.shepherd}, 'Vitest admin-role cover', now() + interval '1 day', ${users.grey})`;
      }),
    );
    expect(err.message).toMatch(/new row violates row-level security policy/);
    // Nor ends one: a blanket end reaches no colleague's cover (one is made to be there).
    await ownerSql()`insert into coverage (org_id, covering_id, covered_id, reason, ends_at, created_by)
      values (${orgs.northside}, ${users.locum}, ${users.shepherd}, 'Vitest admin-role end', now() + interval '1 day', ${users.northAdmin})`;
    try {
      const ended = await asAdminRoleByHand(key, async (tx) => {
        return (await tx`update coverage set ended_at = now(), ended_by = ${users.grey}`).count;
      });
      expect(ended).toBe(0);
    } finally {
      await ownerSql()`delete from coverage where reason = 'Vitest admin-role end'`;
    }
  });

  it("a MAC seen in one transaction is worthless in the next, even on the same connection", async () => {
    const { users, orgs } = await demoIds();
    const key = await newSession(users.lakeAdmin, orgs.lakeside);
    // A legitimate entry: the attacker would need the session's secret for this; here we take it
    // as given to show that what it leaves behind cannot be replayed.
    const settings = await inTx(async (tx) => {
      await tx`select * from app_context_enter(${key.sessionId}::uuid, ${key.secret})`;
      expect((await seen(tx)).patients).toBeGreaterThan(0);
      const [s] = await tx`select current_setting('app.user_id') as u, current_setting('app.org_id') as o,
        current_setting('app.session_id') as s, current_setting('app.context_kind') as k, current_setting('app.context_mac') as m`;
      return s;
    });
    const replayed = await inTx(async (tx) => {
      await tx`select set_config('app.user_id', ${settings.u}, true), set_config('app.org_id', ${settings.o}, true),
        set_config('app.session_id', ${settings.s}, true), set_config('app.context_kind', ${settings.k}, true),
        set_config('app.context_mac', ${settings.m}, true)`;
      return seen(tx);
    });
    expect(replayed).toEqual(nothing);
  });

  it("an ended session, another user's session id or a guessed secret enters nothing", async () => {
    const { users, orgs } = await demoIds();
    const house = await newSession(users.house, orgs.lakeside);
    const ended = await newSession(users.lakeAdmin, orgs.lakeside);
    await ownerSql()`update sessions set revoked_at = now() where id = ${ended.sessionId}`;
    for (const [sessionId, secret] of [
      [ended.sessionId, ended.secret],
      [house.sessionId, ended.secret],
      [house.sessionId, ""],
      [house.sessionId, null],
    ] as const) {
      const out = await inTx(async (tx) => {
        const [f] = await tx`select * from app_context_enter(${sessionId}::uuid, ${secret})`;
        return { live: f.live, ...(await seen(tx)) };
      });
      expect(out).toEqual({ live: false, ...nothing });
    }
  });

  it("no password hash, session secret hash, context key or held SSO assertion is readable", async () => {
    for (const query of [
      "select password_hash from users",
      "select * from users",
      "select token_hash from sessions",
      "select * from app_context_key",
      "select * from sso_link_requests",
      "select * from app_auth_user('house@lakeside.test')",
    ])
      expect(await code(() => inTx((tx) => tx.unsafe(query))), query).toBe("42501");
  });

  it("cannot start a session, reset a password, nor act as the reminders job or the sign-in step", async () => {
    const { users, orgs } = await demoIds();
    const secret = "x".repeat(43);
    for (const query of [
      `select app_session_start('${users.house}', '${orgs.lakeside}', '{password}', null, 'x', '${secret}')`,
      `insert into sessions (user_id, org_id, methods, token_hash) values ('${users.house}', '${orgs.lakeside}', '{password}', 'x')`,
      `select app_context_job('${orgs.lakeside}')`,
      `select app_context_sign_in('${users.house}')`,
      // A reset row with a token of the attacker's choosing, then completing it: anyone's password.
      "select * from app_password_reset_request('house@lakeside.test', 'attacker-token-hash', 'r')",
      "select app_password_reset_complete('attacker-token-hash', 'attacker-password-hash', 'r')",
      `select app_sso_sign_in('${orgs.lakeside}', 'https://idp.example', 'sub', 'house@lakeside.test', 'x', 'r')`,
    ])
      expect(await code(() => inTx((tx) => tx.unsafe(query))), query).toBe("42501");
  });

  it("every function it may execute, called with hostile arguments and no session, leaves it no one", async () => {
    const { users, orgs } = await demoIds();
    const functions = await sql<{ sig: string; name: string; args: string[] }[]>`
      select p.oid::regprocedure::text as sig, p.proname as name,
             coalesce(array(select format_type(t, null) from unnest(p.proargtypes) t), '{}') as args
      from pg_proc p
      where p.pronamespace = 'public'::regnamespace and p.prokind = 'f'
        and p.prorettype <> 'trigger'::regtype and has_function_privilege(p.oid, 'EXECUTE')
      order by 1`;
    expect(functions.length).toBeGreaterThan(5);
    // Other practices' ids and addresses, nulls and junk: what an attacker would try.
    const values: Record<string, string[]> = {
      uuid: [`'${users.lakeAdmin}'`, `'${orgs.lakeside}'`, "null"],
      text: ["'house@lakeside.test'", "''", "null"],
      "uuid[]": [`array['${orgs.lakeside}']::uuid[]`, "null"],
      "text[]": ["array['house@lakeside.test']", "null"],
    };
    const lakeNames = (await ownerSql()`select family_name from patients where org_id = ${orgs.lakeside}`).map(
      (r) => r.family_name as string,
    );
    for (const f of functions) {
      const choices = f.args.map((t) => values[t] ?? ["null"]);
      const rounds = Math.max(1, ...choices.map((c) => c.length));
      for (let i = 0; i < rounds; i++) {
        const call = `select * from ${f.name}(${choices.map((c) => `${c[i % c.length]}::${f.args[choices.indexOf(c)]}`).join(", ")})`;
        const after = await inTx(async (tx) => {
          const rows = await tx.savepoint((sp) => sp.unsafe(call)).catch(() => []);
          return { text: JSON.stringify(rows), seen: await seen(tx) };
        });
        expect(after.seen, call).toEqual(nothing);
        expect(after.text, call).not.toMatch(/\$argon2/);
        for (const name of lakeNames) expect(after.text, call).not.toContain(name);
      }
    }
  });

  it("an admin's look-as-a-member is for an admin's own live session only, and writes nothing", async () => {
    const { users, orgs } = await demoIds();
    const grey = await newSession(users.grey, orgs.northside);
    const admin = await newSession(users.northAdmin, orgs.northside);
    // No session, or a clinician's: refused.
    expect(await code(() => inTx((tx) => tx`select * from app_context_assume(${users.house}::uuid)`))).toBe("42501");
    expect(
      await code(() =>
        inTx(async (tx) => {
          await tx`select * from app_context_enter(${grey.sessionId}::uuid, ${grey.secret})`;
          await tx`select * from app_context_assume(${users.shepherd}::uuid)`;
        }),
      ),
    ).toBe("42501");
    // An admin, for someone of another practice: refused.
    expect(
      await code(() =>
        inTx(async (tx) => {
          await tx`select * from app_context_enter(${admin.sessionId}::uuid, ${admin.secret})`;
          await tx`select * from app_context_assume(${users.house}::uuid)`;
        }),
      ),
    ).toBe("42501");
    // An admin as a member: read-only, and notes and second factors stay hidden (grey, as grey, sees both).
    const [probe] = await ownerSql()`
      insert into mfa_recovery_codes (user_id, code_hash) values (${users.grey}, 'vitest-assumed-probe') returning id`;
    // The probe alone is counted: other files may leave grey more codes.
    const factors = async (tx: postgres.TransactionSql) => {
      const [row] = await tx`select (select count(*)::int from user_mfa) as mfa,
        (select count(*)::int from mfa_recovery_codes where id = ${probe.id}) as codes`;
      return row;
    };
    try {
      const assumed = await inTx(async (tx) => {
        await tx`select * from app_context_enter(${admin.sessionId}::uuid, ${admin.secret})`;
        await tx`select * from app_context_assume(${users.grey}::uuid)`;
        const state = { ...(await seen(tx)), ...(await factors(tx)) };
        const write = await code(() => tx`update patients set phone = phone`);
        return {
          user: state.user_id,
          notes: state.notes,
          patients: state.patients,
          mfa: state.mfa,
          codes: state.codes,
          write,
        };
      });
      expect(assumed).toMatchObject({ user: users.grey, notes: 0, write: "25006", mfa: 0, codes: 0 });
      expect(assumed.patients).toBeGreaterThan(0);
      const own = await inTx(async (tx) => {
        await tx`select * from app_context_enter(${grey.sessionId}::uuid, ${grey.secret})`;
        return factors(tx);
      });
      expect(own).toEqual({ mfa: 1, codes: 1 });
    } finally {
      await ownerSql()`delete from mfa_recovery_codes where id = ${probe.id}`;
    }
  });
});

describe("an attacker holding the sign-in path's credentials", () => {
  it("can take a user's sign-in context but not read or unlink their single sign-on, nor as a practice's job", async () => {
    const { users, orgs } = await demoIds();
    const auth = postgres(authUrl(), { max: 1, onnotice: () => {} });
    const [identity] = await ownerSql()`
      insert into user_identities (user_id, org_id, issuer, subject, email, linked_via)
      values (${users.northAdmin}, ${orgs.northside}, 'https://idp.vitest.test', 'vitest-unlink', 'admin@northside.test', 'proof')
      returning id`;
    try {
      const unlinked = await auth.begin(async (tx) => {
        await tx`select app_context_sign_in(${users.northAdmin}::uuid)`;
        const seen = async () => (await tx`select count(*)::int as n from user_identities`)[0].n as number;
        // Blanket deletes: a WHERE would bring the SELECT policy in, and this is the delete policy's test.
        const signIn = { seen: await seen(), deleted: (await tx`delete from user_identities`).count };
        const [{ actor }] = await tx`select app_context_job(${orgs.northside}::uuid) as actor`;
        const job = { seen: await seen(), deleted: (await tx`delete from user_identities`).count };
        return { signIn, actor, job };
      });
      // The job acts as the practice's earliest admin: the identity's own user, and still it neither
      // reads nor unlinks it (a user's identities are theirs to see in their own session only).
      expect(unlinked).toEqual({
        signIn: { seen: 0, deleted: 0 },
        actor: users.northAdmin,
        job: { seen: 0, deleted: 0 },
      });
      // A colleague's live session unlinks only their own identities, even with a blanket DELETE.
      const grey = await newSession(users.grey, orgs.northside);
      const byColleague = await inTx(async (tx) => {
        await tx`select * from app_context_enter(${grey.sessionId}::uuid, ${grey.secret})`;
        const [{ own }] = await tx`select count(*)::int as own from user_identities where user_id = app_user_id()`;
        return { own, deleted: (await tx`delete from user_identities`).count };
      });
      expect(byColleague.deleted).toBe(byColleague.own);
      expect(await ownerSql()`select 1 from user_identities where id = ${identity.id}`).toHaveLength(1);
    } finally {
      await ownerSql()`delete from user_identities where id = ${identity.id}`;
      await auth.end();
    }
  });
});
