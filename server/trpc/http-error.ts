import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";

/**
 * A route handler's answer for an error from a server-side caller, with tRPC's own HTTP status
 * (UNAUTHORIZED 401, FORBIDDEN 403, NOT_FOUND 404, …). Server errors say nothing more.
 */
export function errorResponse(err: unknown): Response {
  const status = err instanceof TRPCError ? getHTTPStatusCodeFromError(err) : 500;
  const body = err instanceof TRPCError && status < 500 ? err.message : "Export failed.";
  return new Response(`${body}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}
