import { isIP } from "node:net";
import { env } from "@/server/env";

/**
 * The client's network address, for the per-address sign-in throttle.
 *
 * Next.js route handlers do not expose the socket, and `next start` only fills X-Forwarded-For
 * with the socket address when the client did not send one (`??=`), so inside the app a client's
 * own header would choose the key. `npm start` therefore serves the app through scripts/serve.ts,
 * which sees the socket, resolves the address there (honouring X-Forwarded-For only for the
 * TRUST_PROXY hops) and always overwrites CLIENT_ADDRESS_HEADER with it. The app believes that
 * header only when it runs inside that server (SERVER_MARK), so a client can never set it.
 */
export const CLIENT_ADDRESS_HEADER = "x-careroster-client-address";
export const SERVER_MARK = Symbol.for("careroster.serve.clientAddress");

const clean = (a: string) => {
  const s = a.trim().replace(/^\[|\]$/g, "");
  return s.startsWith("::ffff:") && isIP(s.slice(7)) === 4 ? s.slice(7) : s;
};

/**
 * With `hops` trusted proxies the chain is X-Forwarded-For's entries followed by the socket peer;
 * each trusted proxy appended the address it saw, so the client is `hops` entries left of the
 * peer. Entries further left were written by the client and are ignored. Never throws.
 */
export function resolveClientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  hops: number,
): string {
  const socket = peer ? clean(peer) : "unknown";
  if (hops <= 0) return socket;
  const forwarded = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? ""))
    .split(",")
    .map(clean)
    .filter(Boolean);
  const chain = [...forwarded, socket];
  const candidate = chain[Math.max(0, chain.length - 1 - hops)];
  return isIP(candidate) ? candidate : socket;
}

let warned = false;

/**
 * The address resolved by scripts/serve.ts, or null when the app runs without it (plain
 * `next start`, tests calling route handlers): then there is no trustworthy address and the
 * per-address throttle is skipped (the per-account one still applies) — never a client header.
 */
export function clientAddress(headers: Headers | Record<string, unknown> | undefined): string | null {
  if (!(globalThis as Record<symbol, unknown>)[SERVER_MARK]) {
    if (!warned && env().NODE_ENV === "production") {
      warned = true;
      console.warn(
        "careroster: not served by scripts/serve.ts; the per-address sign-in throttle is off (per-account still applies).",
      );
    }
    return null;
  }
  const value = headers instanceof Headers ? headers.get(CLIENT_ADDRESS_HEADER) : headers?.[CLIENT_ADDRESS_HEADER];
  return typeof value === "string" && value ? value : null;
}
