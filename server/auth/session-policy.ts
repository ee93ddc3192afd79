import { env } from "@/server/env";

/** Automatic logoff (HIPAA 164.312(a)(2)(iii)): idle and absolute limits, configurable for tests and deployments. */
export const idleSeconds = () => Math.max(60, env().SESSION_IDLE_MINUTES * 60);
export const absoluteSeconds = () => Math.max(60, env().SESSION_MAX_HOURS * 3600);

/** A token is live while it was issued by a sign-in less than the absolute limit ago (the JWT's own exp carries the idle limit). */
export function withinAbsoluteLimit(loginAt: unknown, now = Date.now()): boolean {
  return typeof loginAt === "number" && now / 1000 - loginAt < absoluteSeconds();
}
