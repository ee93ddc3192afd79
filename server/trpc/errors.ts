import { TRPCError } from "@trpc/server";
import { SessionEndedError } from "@/server/db/context";
import { AppError } from "@/server/errors";
import { databaseOutage, findPgError } from "@/server/db/errors";
import { SSO_DOMAIN_REFUSALS } from "@/server/sso/refusals";

/** Anything a procedure threw, as the API answers it: the one mapping. */
export function toApiError(err: unknown): TRPCError {
  // tRPC wraps what a handler throws in a TRPCError (INTERNAL_SERVER_ERROR) with the error as its cause.
  const thrown = err instanceof TRPCError && err.code === "INTERNAL_SERVER_ERROR" && err.cause ? err.cause : err;
  if (thrown instanceof SessionEndedError) return fromAppError(AppError.of("SESSION_ENDED"));
  const app =
    thrown instanceof AppError ? thrown : err instanceof TRPCError && err.cause instanceof AppError ? err.cause : null;
  if (app) return fromAppError(app);
  const outage = databaseOutage(thrown);
  if (outage) return fromAppError(AppError.of(outage === "read-only" ? "DATABASE_READ_ONLY" : "DATABASE_UNAVAILABLE"));
  return toTRPCError(err instanceof TRPCError ? err : new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: err }));
}

const fromAppError = (err: AppError) => new TRPCError({ code: err.status, message: err.message, cause: err });

/**
 * Turns what PostgreSQL refused into the API's answers. Messages are fixed sentences: no SQL,
 * no values, no constraint internals reach the client.
 */
export function toTRPCError(err: TRPCError): TRPCError {
  const pg = findPgError(err.cause);
  if (!pg) return err;
  const make = (code: TRPCError["code"], message: string) => new TRPCError({ code, message, cause: err.cause });
  switch (pg.code) {
    case "42501": // insufficient_privilege: a policy's WITH CHECK, a missing grant, a guarding trigger
      return make("FORBIDDEN", "You are not allowed to make this change.");
    case "23P01": // exclusion_violation: appointments_no_overlap
      return make(
        "CONFLICT",
        "This clinician already has a visit at that time. Choose another time or another clinician.",
      );
    case "23505":
      return make("CONFLICT", "A record with the same identifier already exists.");
    case "23503": // a referenced row that does not exist in this practice (or at all)
      return make("NOT_FOUND", "A referenced record was not found.");
    case "23514":
    case "22021": // text PostgreSQL cannot store (a NUL character)
    case "22P05":
    case "22001":
    case "22003":
    case "22P02":
    case "22007":
    case "22008":
    case "23502":
      return make("BAD_REQUEST", "The request has a value the database cannot accept.");
    // Raised by the invitation and password-reset functions (drizzle/0010_invitations.sql).
    case "CR001":
      return make("NOT_FOUND", "This invitation is not valid: it was used, revoked or has expired.");
    case "CR002":
      return make("FORBIDDEN", "This invitation is for another email address. Sign in with that address to accept it.");
    case "CR003":
      return make("CONFLICT", "An account already uses this email. Sign in to accept the invitation.");
    case "CR004":
      return make("FORBIDDEN", "Open the link in the invitation email to accept this invitation.");
    case "CR005":
      return make("NOT_FOUND", "This reset link is not valid: it was used or has expired.");
    case "CR006":
      return make("UNAUTHORIZED", "Please sign in.");
    // The keep-an-admin trigger on memberships (drizzle/0013_error_codes.sql).
    case "CR007":
      return make("CONFLICT", "A practice must keep at least one active admin.");
    // The SSO domain functions (drizzle/0020_sso_domains.sql).
    case "CR008":
      return make("BAD_REQUEST", SSO_DOMAIN_REFUSALS.CR008);
    case "CR009":
      return make("CONFLICT", SSO_DOMAIN_REFUSALS.CR009);
    case "CR010":
      return make("PRECONDITION_FAILED", SSO_DOMAIN_REFUSALS.CR010);
    case "CR011":
      return make("NOT_FOUND", SSO_DOMAIN_REFUSALS.CR011);
    case "40001":
    case "40P01":
      return make("CONFLICT", "The record changed at the same time; try again.");
    default:
      return make("INTERNAL_SERVER_ERROR", "Something went wrong on our side.");
  }
}
