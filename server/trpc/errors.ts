import { TRPCError } from "@trpc/server";
import { findPgError } from "../db/errors";

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
    case "40001":
    case "40P01":
      return make("CONFLICT", "The record changed at the same time; try again.");
    default:
      return make("INTERNAL_SERVER_ERROR", "Something went wrong on our side.");
  }
}
