import { randomBytes, randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import postgres from "postgres";
import { createDb, type Db, type Tx } from "@/server/db/client";
import type { SessionIdentity } from "@/server/auth/session";
import type { SessionKey } from "@/server/auth/sessions";
import { hashToken } from "@/server/auth/tokens";
import { enterContext, rolledBack } from "@/server/db/context";
import { findPgError, type PgError } from "@/server/db/errors";
import { demoOrgs, demoUsers, type DemoOrgKey, type DemoUserKey } from "@/server/db/seed/demo-data";
import { createCaller } from "@/server/trpc/routers/_app";
import { sessionCookie } from "./session-cookie";

export const runtimeUrl = () => process.env.DATABASE_URL!;
export const ownerUrl = () => process.env.DATABASE_OWNER_URL!;
export const authUrl = () => process.env.DATABASE_AUTH_URL!;

let runtime: Db | undefined;
/** The app's runtime role, exactly as the app connects. */
export const runtimeDb = () => (runtime ??= createDb(runtimeUrl(), { max: 4 }));

let owner: postgres.Sql | undefined;
/** The owner (BYPASSRLS): ground truth for expectations and fixtures, never the system under test. */
export const ownerSql = () => (owner ??= postgres(ownerUrl(), { max: 2, onnotice: () => {} }));

export interface DemoIds {
  users: Record<DemoUserKey, string>;
  orgs: Record<DemoOrgKey, string>;
}

let ids: Promise<DemoIds> | undefined;
export function demoIds(): Promise<DemoIds> {
  ids ??= (async () => {
    const sql = ownerSql();
    const users = {} as DemoIds["users"];
    const orgs = {} as DemoIds["orgs"];
    for (const [key, u] of Object.entries(demoUsers)) {
      const [row] = await sql`select id from users where email = ${u.email}`;
      users[key as DemoUserKey] = row.id;
    }
    for (const [key, o] of Object.entries(demoOrgs)) {
      const [row] = await sql`select id from organizations where slug = ${o.slug}`;
      orgs[key as DemoOrgKey] = row.id;
    }
    return { users, orgs };
  })();
  return ids;
}

/**
 * Runs `fn` as the runtime role in a real session of `user` in `org` (entered exactly as the app
 * enters it, app_context_enter), then rolls back so tests leave no trace. Errors from `fn` propagate.
 */
export async function asUser<T>(user: DemoUserKey, org: DemoOrgKey | null, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const { users, orgs } = await demoIds();
  const key = await newSession(users[user], org ? orgs[org] : null);
  return rolledBack(runtimeDb(), async (tx) => {
    await enterContext(tx, { kind: "session", ...key });
    return fn(tx);
  });
}

/**
 * A fresh, live server-side session (a sessions row with the hash of a new secret, as sign-in
 * creates one through app_session_start) for a user in a practice, signed in with a password.
 */
export async function newSession(
  userId: string,
  orgId: string | null,
  opts: { userAgent?: string; methods?: string[]; ssoOrgId?: string | null } = {},
): Promise<SessionKey> {
  const secret = randomBytes(32).toString("base64url");
  const methods = opts.methods ?? ["password"];
  const [row] = await ownerSql()`
    insert into sessions (user_id, org_id, methods, sso_org_id, user_agent, token_hash)
    values (${userId}, ${orgId}, ${methods}, ${opts.ssoOrgId ?? null}, ${opts.userAgent ?? "vitest"}, ${hashToken(secret)})
    returning id`;
  return { sessionId: row.id as string, secret };
}

/** The session identity of a demo user, with a real, live session row. */
export async function sessionFor(user: DemoUserKey, org: DemoOrgKey): Promise<SessionIdentity> {
  const { users, orgs } = await demoIds();
  return { userId: users[user], orgId: orgs[org], ...(await newSession(users[user], orgs[org])) };
}

/** The session cookie of a demo user, on a real session row (what signing in gives a browser). */
export async function cookieFor(
  user: DemoUserKey,
  org: DemoOrgKey,
  opts: { secret?: string; maxAge?: number; loginAt?: number } = {},
) {
  const { loginAt, ...encoding } = opts;
  return cookieOf(await sessionFor(user, org), loginAt, encoding);
}

/** The cookie carrying a session identity. */
export function cookieOf(
  session: SessionIdentity,
  loginAt?: number,
  encoding: { secret?: string; maxAge?: number } = {},
) {
  return sessionCookie(
    {
      sub: session.userId,
      sid: session.sessionId,
      sst: session.secret,
      orgId: session.orgId,
      ...(loginAt !== undefined && { loginAt }),
    },
    encoding,
  );
}

/** A tRPC caller as the route's createContext would build it, on a real session row (`userId` null: signed out). */
export async function callerAs(
  userId: string | null,
  orgId: string | null = null,
  clientAddress: string | null = null,
) {
  const session = userId ? { userId, orgId, ...(await newSession(userId, orgId)) } : null;
  return callerWith(session, clientAddress);
}

/** A tRPC caller on a given session (null: signed out). */
export function callerWith(session: SessionIdentity | null, clientAddress: string | null = null) {
  return createCaller({ session, requestId: randomUUID(), db: runtimeDb(), clientAddress });
}

/** A tRPC caller with the session of a demo user. */
export async function callerFor(user: DemoUserKey, org: DemoOrgKey) {
  const { users, orgs } = await demoIds();
  return callerAs(users[user], orgs[org]);
}

const demoAdminOf = { northside: "northAdmin", lakeside: "lakeAdmin" } as const;
const demoMembers = (Object.entries(demoUsers) as [DemoUserKey, (typeof demoUsers)[DemoUserKey]][]).flatMap(
  ([key, u]) => u.memberships.map((m) => [key, m.org] as const),
);

/**
 * The demo's member × patient matrix, a practice at a time: `check` runs once per member of the
 * practice, with the practice's admin's caller and every patient id of the practice (read as the owner).
 */
export async function forEachDemoMember(
  check: (m: {
    member: DemoUserKey;
    org: DemoOrgKey;
    isAdmin: boolean;
    admin: Awaited<ReturnType<typeof callerFor>>;
    all: string[];
  }) => Promise<void>,
): Promise<void> {
  const { orgs } = await demoIds();
  for (const org of ["northside", "lakeside"] as const) {
    const admin = await callerFor(demoAdminOf[org], org);
    const all = (await ownerSql()`select id from patients where org_id = ${orgs[org]} order by id`).map(
      (r) => r.id as string,
    );
    for (const [member] of demoMembers.filter(([, o]) => o === org)) {
      await check({ member, org, isAdmin: member === demoAdminOf[org], admin, all });
    }
  }
}

/** The PostgreSQL error a promise is rejected with, found as the app finds it (server/db/errors.ts). */
export async function pgError(promise: Promise<unknown>): Promise<PgError> {
  try {
    await promise;
  } catch (err) {
    const pg = findPgError(err);
    if (!pg) throw err;
    return { code: pg.code, message: pg.message };
  }
  throw new Error("expected the database to refuse this statement, but it succeeded");
}

/**
 * Ids of the unarchived patients `user` sees clinically in `org` without a grant: their care team
 * plus the care teams of the clinicians they cover right now, by a hand-written query as the owner.
 */
export async function ownerPanel(user: DemoUserKey, org: DemoOrgKey): Promise<string[]> {
  const { users, orgs } = await demoIds();
  const rows = await ownerSql()`
    select distinct p.id from patients p join care_team ct on ct.patient_id = p.id
    where p.org_id = ${orgs[org]} and p.archived_at is null
      and (ct.clinician_id = ${users[user]}
           or ct.clinician_id in (select c.covered_id from coverage c
                                  where c.covering_id = ${users[user]} and c.org_id = ${orgs[org]}
                                    and c.starts_at <= now() and c.ends_at > now() and c.ended_at is null))
    order by p.id`;
  return rows.map((r) => r.id as string);
}

/** The tRPC error code a call ends with, or "OK". */
export const trpcCode = (p: Promise<unknown>) =>
  p.then(
    () => "OK",
    (err: unknown) => (err instanceof TRPCError ? err.code : Promise.reject(err)),
  );

/** A patient by MRN, as the owner sees it (the demo's MRNs name their practice: DEMO-N-…, DEMO-L-…). */
export async function patientByMrn(
  mrn: string,
): Promise<{ id: string; familyName: string; orgId: string; version: number }> {
  const [row] = await ownerSql()`select id, family_name, org_id, version from patients where mrn = ${mrn}`;
  if (!row) throw new Error(`no patient with MRN ${mrn}`);
  return { id: row.id, familyName: row.family_name, orgId: row.org_id, version: row.version };
}

export const patientIdByMrn = async (mrn: string) => (await patientByMrn(mrn)).id;

/** Every demo user in every practice they belong to: the mix the concurrency tests replay. */
export const mixedCallers: [DemoUserKey, DemoOrgKey][] = [
  ["grey", "northside"],
  ["shepherd", "northside"],
  ["northAdmin", "northside"],
  ["house", "lakeside"],
  ["lakeAdmin", "lakeside"],
  ["locum", "northside"],
  ["locum", "lakeside"],
];

/** What each of `mixedCallers` may see in patients.list, by hand-written queries as the owner. */
export async function listGroundTruth(): Promise<Map<string, string[]>> {
  const { orgs } = await demoIds();
  const truth = new Map<string, string[]>();
  for (const [u, o] of mixedCallers) {
    const ids = u.endsWith("Admin")
      ? (await ownerSql()`select id from patients where org_id = ${orgs[o]} and archived_at is null order by id`).map(
          (r) => r.id as string,
        )
      : await ownerPanel(u, o);
    truth.set(`${u}@${o}`, ids);
  }
  return truth;
}
