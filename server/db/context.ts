import { is, sql, TransactionRollbackError } from "drizzle-orm";
import type { Db, Tx } from "./client";
import { pipelinedTransaction, type StageTimer } from "./pipeline";

// The request's transaction: who it acts as (RlsContext), the one statement that sets it
// (contextStatement), what that statement answers (ContextFacts) and the checks on that answer
// (ContextGuard). How the transaction saves its round trips is server/db/pipeline.ts.

/**
 * Who a transaction acts as. The database sets the identity itself, through one of its door
 * functions (drizzle/0019_verified_identity.sql); a setting written by hand reads as no one.
 * - `session`: every request — a live session and the secret its cookie carries; the user and the
 *   practice are the session's own, as the database has them.
 * - `sign_in`: the second-factor check during sign-in (the careroster_auth pool only).
 * - `job`: a practice's scheduled job, as its earliest active admin (the careroster_auth pool only).
 * - `token`: a SMART app's bearer access token (server/smart/bearer.ts): the app session's user in
 *   its practice, while the token, the session and the app are live (app_context_enter_token).
 * - `none`: before sign-in (invitation and reset links): every policy answers "nothing".
 */
export type RlsContext =
  | { kind: "session"; sessionId: string; secret: string }
  | { kind: "token"; token: string }
  | { kind: "sign_in"; userId: string }
  | { kind: "job"; orgId: string }
  | { kind: "none" };

/** Thrown inside the transaction when the session has ended, is unknown or its secret is wrong. */
export class SessionEndedError extends Error {
  constructor() {
    super("The session has ended.");
  }
}

/** What the context statement answers besides setting the identity (server-side checks read these). */
export interface ContextFacts {
  /** The session is live (or none was asked about); false leaves the identity empty. */
  live: boolean;
  /** The identity the database set (null: none). */
  userId: string | null;
  /** The practice the identity is in, while the membership is active (null: none). */
  orgId: string | null;
  /** An active admin of the org: the session role the database chose. */
  admin: boolean;
  /** Held at two-factor enrollment by the practice's policy (app_mfa_enrollment_required). */
  mfaRequired: boolean;
  /** For a bearer token: what it narrows the caller to. */
  token?: { scopes: string[]; patientId: string | null; appId: string; clientId: string };
}

/** A condition on the context's answer that the request must meet before it sees a row; throws when not. */
export type ContextCheck = (facts: ContextFacts) => void;

// The session role follows the membership the database found: careroster_admin selects the admin
// policies, careroster_clinician the others. The door runs first (a FROM item, or `offset 0`).
const sessionRole = sql`set_config('role', case when f.admin then 'careroster_admin' else 'careroster_clinician' end, true)`;

/** The one statement that sets a transaction's identity and answers its facts. */
export function contextStatement(ctx: RlsContext) {
  switch (ctx.kind) {
    case "session":
      return sql`select ${sessionRole} as role, f.live, f.user_id, f.org_id, f.admin, f.mfa_required
                 from app_context_enter(${ctx.sessionId}::uuid, ${ctx.secret}) f`;
    case "token":
      return sql`select ${sessionRole} as role, f.live, f.user_id, f.org_id, f.admin, f.mfa_required,
                        f.scopes, f.patient_id, f.app_id, f.client_id
                 from app_context_enter_token(${ctx.token}) f`;
    case "sign_in":
      // No role switch: the careroster_auth login keeps its own EXECUTE rights for the next steps.
      return sql`select app_context_sign_in(${ctx.userId}::uuid)::text as role, true as live,
                        ${ctx.userId}::uuid as user_id, null::uuid as org_id, false as admin, false as mfa_required`;
    case "job":
      return sql`select set_config('role', 'careroster_admin', true) as role, f.actor is not null as live,
                        f.actor as user_id, ${ctx.orgId}::uuid as org_id, true as admin, false as mfa_required
                 from (select app_context_job(${ctx.orgId}::uuid) as actor offset 0) f`;
    case "none":
      return sql`select set_config('role', 'careroster_clinician', true) as role, true as live,
                        null::uuid as user_id, null::uuid as org_id, false as admin, false as mfa_required`;
  }
}

type FactsRow = {
  live: boolean;
  user_id: string | null;
  org_id: string | null;
  admin: boolean;
  mfa_required: boolean;
  scopes?: string[] | null;
  patient_id?: string | null;
  app_id?: string | null;
  client_id?: string | null;
};
const toFacts = (row: FactsRow | undefined): ContextFacts => ({
  live: row?.live === true,
  userId: row?.user_id ?? null,
  orgId: row?.org_id ?? null,
  admin: row?.admin === true,
  mfaRequired: row?.mfa_required === true,
  ...(row?.app_id && {
    token: {
      scopes: row.scopes ?? [],
      patientId: row.patient_id ?? null,
      appId: row.app_id,
      clientId: row.client_id ?? "",
    },
  }),
});

/** The request's checks on the context's answer; procedures add theirs before their first query. */
export interface ContextGuard {
  /** Adds a condition; throws at once when the answer is already in. */
  require(check: ContextCheck): void;
  /** Resolves once the answer is in and every condition holds (rejects with the first that fails). */
  ready(): Promise<ContextFacts>;
}

/**
 * The one way to the data: a transaction whose first statement sets the request's identity. The
 * policies read it; when the transaction ends the values end with it, so the pooled connection
 * carries nothing on. Whatever `fn` throws rolls the whole transaction back.
 *
 * The context costs no round trip of its own: BEGIN, the context statement and `fn`'s first query
 * leave together (server/db/pipeline.ts). The first query's rows reach `fn` only after the
 * context's answer is in and every check holds: a session that is not live throws
 * SessionEndedError (its statement ran with an empty identity, so it saw nothing), a failed check
 * throws its own error, and either rolls back whatever that first statement did. A caller that
 * must know the answer before doing anything at all (a mutation, whose side effects may reach past
 * the database) awaits `guard.ready()` first. Audit rows go out with COMMIT (writeBeforeCommit,
 * server/db/pipeline.ts).
 */
export function withRlsContext<T>(
  db: Db,
  ctx: RlsContext,
  fn: (tx: Tx, guard: ContextGuard) => Promise<T>,
  timer?: StageTimer,
): Promise<T> {
  const checks: ContextCheck[] = [
    (facts) => {
      if (!facts.live) throw new SessionEndedError();
    },
  ];
  let facts: ContextFacts | undefined;
  const judge = (rows: Record<string, unknown>[]) => {
    facts = toFacts(rows[0] as FactsRow | undefined);
    for (const check of checks) check(facts);
    return facts;
  };
  return pipelinedTransaction(
    db,
    contextStatement(ctx),
    judge,
    (tx, answer) =>
      fn(tx, {
        require(check) {
          checks.push(check);
          if (facts) check(facts);
        },
        ready: () => answer,
      }),
    timer,
  );
}

/**
 * A transaction with no identity (before sign-in): every policy answers "nothing", so only the narrow
 * SECURITY DEFINER functions the caller names can answer.
 */
export function withoutIdentity<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withRlsContext(db, { kind: "none" }, fn);
}

/** Sets `ctx` in the current transaction exactly as withRlsContext does, and answers its facts. */
export async function enterContext(tx: Tx, ctx: RlsContext): Promise<ContextFacts> {
  const facts = toFacts((await tx.execute<FactsRow>(contextStatement(ctx)))[0]);
  if (!facts.live) throw new SessionEndedError();
  return facts;
}

/**
 * An admin looks as a member of their practice (app_context_assume): the identity becomes the
 * member's and the transaction READ ONLY; notes stay hidden. Use inside rolledBack(), which restores
 * the admin's own identity and read-write mode when it rolls back.
 */
export async function assumeMember(tx: Tx, userId: string): Promise<void> {
  await tx.execute(sql`select ${sessionRole} as role from app_context_assume(${userId}::uuid) f`);
}

/**
 * "What would the policies say?" without changing anything: runs `fn` in a transaction of `db`
 * (a SAVEPOINT when `db` is the request's transaction) and always rolls it back. `set_config(…,
 * true)` changes made inside (another member's context, a session role) are undone with it, like
 * the rows written, so the request continues as its own caller. Used by the coverage preview, the
 * access explainer and the tests.
 */
export async function rolledBack<T>(db: Db | Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const result: { value?: T } = {};
  try {
    await db.transaction(async (tx) => {
      result.value = await fn(tx);
      tx.rollback();
    });
  } catch (err) {
    // By entity kind, not instanceof: a bundle may hold two copies of drizzle-orm's classes.
    if (!is(err, TransactionRollbackError)) throw err;
  }
  return result.value as T;
}
