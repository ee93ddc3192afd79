import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { PRACTICE_CHANGED } from "@/lib/schemas/session-scope";
import { MFA_ENROLLMENT_REQUIRED } from "@/lib/schemas/two-factor";
import type { Tx } from "@/server/db/client";
import { SessionEndedError, withoutIdentity, withRlsContext } from "@/server/db/context";
import type { Context } from "./context";
import { toApiError } from "./errors";

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    return {
      ...shape,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        // Bad input answers with zod's issues so forms can show them field by field.
        zodIssues: error.code === "BAD_REQUEST" && error.cause instanceof ZodError ? error.cause.issues : null,
      },
      // Never a stack trace or a database message for server errors.
      message: error.code === "INTERNAL_SERVER_ERROR" ? "Something went wrong on our side." : shape.message,
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure;

export const authedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in." });
  return next({ ctx: { session: ctx.session } });
});

/**
 * As a TRPCError's `cause`: answer the error, but commit what the handler wrote first (a failed
 * password check's throttle attempt must outlive the request). Any other error rolls back.
 */
export class CommitThenFail extends Error {}

/**
 * Every data procedure: one transaction, the identity set first (and the session checked in that
 * same statement), the handler inside. An error result is thrown to roll back, unless it asks to
 * commit first; whatever escapes is mapped once to the API's answer.
 */
const sessionTxProcedure = authedProcedure.use(async ({ ctx, next, type }) => {
  const { userId, orgId, sessionId, secret } = ctx.session;
  try {
    return await withRlsContext(
      ctx.db,
      { kind: "session", sessionId, secret },
      async (tx, guard) => {
        // The cookie's user and practice are claims; the database's session decides. A token that
        // names another user is no session; one that names another practice than the session is
        // in (a switch in another tab, or a forged update) is refused before any row is read.
        guard.require((facts) => {
          if (facts.userId !== userId) throw new SessionEndedError();
          if (facts.orgId !== null && facts.orgId !== orgId)
            throw new TRPCError({ code: "FORBIDDEN", message: PRACTICE_CHANGED });
        });
        // Reads go out with the context statement; a mutation knows the answer before it starts.
        if (type === "mutation") await guard.ready();
        const result = await next({ ctx: { tx, guard, userId, orgId, sessionId, secret } });
        if (!result.ok && !(result.error.cause instanceof CommitThenFail)) throw result.error;
        return result;
      },
      ctx.timer ?? undefined,
    );
  } catch (err) {
    throw toApiError(err);
  }
});

/**
 * Two-factor gate: a member whom the practice's policy requires to use a second factor
 * and who has not enrolled reaches nothing but `me.get` and the enrollment procedures
 * (`enrollmentProcedure`). The database answers (app_mfa_enrollment_required(): policy, role,
 * factor, session method) in the context statement, and no row reaches the handler before it holds.
 */
const mfaGate = sessionTxProcedure.use(({ ctx, next }) => {
  ctx.guard.require((facts) => {
    if (facts.mfaRequired) throw new TRPCError({ code: "FORBIDDEN", message: MFA_ENROLLMENT_REQUIRED });
  });
  return next();
});

/** Every data procedure: the request's transaction, then the two-factor gate. */
export const orgProcedure = mfaGate;

/** Only what a member held at enrollment may call: who am I, and the two-factor enrollment itself. */
export const enrollmentProcedure = sessionTxProcedure;

/** A member of a practice: refuses a session with no practice once, so handlers get `orgId: string`. */
export const memberProcedure = orgProcedure.use(({ ctx, next }) => {
  if (!ctx.orgId) throw new TRPCError({ code: "FORBIDDEN", message: "Choose a practice first." });
  return next({ ctx: { orgId: ctx.orgId } });
});

/** The tRPC gate for admin procedures; the policies still refuse admin writes on their own. */
export const adminProcedure = memberProcedure.use(({ ctx, next }) => {
  ctx.guard.require((facts) => {
    if (!facts.admin) throw new TRPCError({ code: "FORBIDDEN", message: "This needs a practice admin." });
  });
  return next();
});

/**
 * Pre-sign-in flows (invitation and password-reset links): one transaction with no user and no
 * org, so every policy answers "nothing" and only the narrow SECURITY DEFINER functions answer.
 * Database refusals become the API's fixed answers, exactly as in orgProcedure.
 */
export async function anonymousTx<T>(db: Context["db"], fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await withoutIdentity(db, fn);
  } catch (err) {
    throw toApiError(err);
  }
}
