import { initTRPC } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { SessionEndedError, withoutIdentity, withRlsContext } from "@/server/db/context";
import { AppError, CommitThenFail } from "@/server/errors";
import type { Context } from "./context";
import { toApiError } from "./errors";

/** zod's issues of a bad input: tRPC's own input check, or a domain's AppError built on them. */
const zodIssues = (cause: unknown) =>
  cause instanceof ZodError
    ? cause.issues
    : cause instanceof AppError && cause.cause instanceof ZodError
      ? cause.cause.issues
      : null;

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    return {
      ...shape,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        // The code the UI acts on (lib/app-errors.ts), never the sentence.
        appCode: error.cause instanceof AppError ? error.cause.appCode : null,
        // Bad input answers with zod's issues so forms can show them field by field.
        zodIssues: error.code === "BAD_REQUEST" ? zodIssues(error.cause) : null,
      },
      // Never a stack trace or a database message for server errors.
      message: error.code === "INTERNAL_SERVER_ERROR" ? "Something went wrong on our side." : shape.message,
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Work that must wait for the request's COMMIT (mail): it never runs for a rolled-back request. */
type AfterCommit = (effect: () => Promise<unknown>) => void;

/** Runs `fn` with an after-commit queue; the queue runs (not awaited) once `fn` has committed. */
async function withAfterCommit<T>(fn: (afterCommit: AfterCommit) => Promise<T>): Promise<T> {
  const effects: (() => Promise<unknown>)[] = [];
  const result = await fn((effect) => effects.push(effect));
  for (const effect of effects)
    effect().catch((err: unknown) => console.error("careroster: after-commit effect failed", (err as Error)?.name));
  return result;
}

/** Any procedure: whatever escapes is mapped once to the API's answer. */
export const publicProcedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok) throw toApiError(result.error);
  return result;
});

/**
 * Before sign-in (invitation and reset links, the SSO lookup): one transaction with no identity,
 * so every policy answers "nothing" and only the narrow SECURITY DEFINER functions answer.
 */
export const anonymousProcedure = publicProcedure.use(({ ctx, next }) =>
  withAfterCommit((afterCommit) =>
    withoutIdentity(ctx.db, async (tx) => {
      const result = await next({ ctx: { tx, afterCommit, db: undefined } });
      if (!result.ok) throw result.error;
      return result;
    }),
  ),
);

/**
 * A signed-in browser's request: one transaction whose first statement enters the session in the
 * database (its secret checked there), the handler inside. An error result is thrown to roll back,
 * unless it asks to commit first. Inside, the context has no `db`: every query is the request's.
 */
export const sessionProcedure = publicProcedure.use(async ({ ctx, next, type }) => {
  if (!ctx.session) throw AppError.of("SIGN_IN_REQUIRED");
  const { userId, orgId, sessionId, secret } = ctx.session;
  return withAfterCommit((afterCommit) =>
    withRlsContext(
      ctx.db,
      { kind: "session", sessionId, secret },
      async (tx, guard) => {
        // The cookie's user and practice are claims; the database's session decides. A token that
        // names another user is no session; one that names another practice than the session is
        // in (a switch in another tab, or a forged update) is refused before any row is read.
        guard.require((facts) => {
          if (facts.userId !== userId) throw new SessionEndedError();
          if (facts.orgId !== null && facts.orgId !== orgId) throw AppError.of("PRACTICE_CHANGED");
        });
        // Reads go out with the context statement; a mutation knows the answer before it starts.
        if (type === "mutation") await guard.ready();
        const isAdmin = () => guard.ready().then((facts) => facts.admin);
        const result = await next({
          ctx: { tx, guard, isAdmin, afterCommit, userId, orgId, sessionId, secret, db: undefined },
        });
        // A CommitThenFail (server/errors.ts) answers the error but commits what the handler wrote first.
        if (!result.ok && !(result.error.cause instanceof CommitThenFail)) throw result.error;
        return result;
      },
      ctx.timer ?? undefined,
    ),
  );
});

/**
 * Signed in as the practice's rules demand: a member whom the practice's policy requires to use a
 * second factor and who has not enrolled reaches nothing but the session procedures (who am I, the
 * enrollment itself). The database answers in the context statement; no row reaches the handler first.
 */
export const signedInProcedure = sessionProcedure.use(({ ctx, next }) => {
  ctx.guard.require((facts) => {
    if (facts.mfaRequired) throw AppError.of("MFA_ENROLLMENT_REQUIRED");
  });
  return next();
});

/** A member of a practice: refuses a session with no practice, so handlers get `orgId: string`. */
export const memberProcedure = signedInProcedure.use(({ ctx, next }) => {
  if (!ctx.orgId) throw AppError.of("PRACTICE_REQUIRED");
  return next({ ctx: { orgId: ctx.orgId } });
});

/** An admin of the practice (the tRPC gate; the policies still refuse admin writes on their own). */
export const adminProcedure = memberProcedure.use(({ ctx, next }) => {
  ctx.guard.require((facts) => {
    if (!facts.admin) throw AppError.of("ADMIN_REQUIRED");
  });
  return next();
});
