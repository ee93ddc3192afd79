import { Resolver } from "node:dns/promises";
import { env } from "@/server/env";

/** The resolver could not answer (timed out, refused, failed): nothing is known about the record. */
export class DnsUnavailableError extends Error {
  constructor(readonly code: string) {
    super(`DNS lookup failed (${code})`);
  }
}

// The first try waits 2 s, the retry twice that (c-ares): a lookup, which runs inside a request or a
// sign-in, gives up after about 6 s.
const TIMEOUT_MS = 2_000;
const TRIES = 2;

// The name exists without TXT records, or does not exist: a definite "no record".
const NO_RECORD = new Set(["ENODATA", "ENOTFOUND"]);

/**
 * The TXT values at `name` (each record's strings joined, as RFC 7208 reads a split record), or []
 * when the name has none. Asks CAREROSTER_DNS_SERVER when set, else the system's resolvers. Throws
 * DnsUnavailableError when the resolver gives no definite answer.
 */
export async function lookupTxt(name: string): Promise<string[]> {
  const resolver = new Resolver({ timeout: TIMEOUT_MS, tries: TRIES });
  const server = env().CAREROSTER_DNS_SERVER;
  if (server) resolver.setServers([server]);
  try {
    return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(""));
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === "string" && NO_RECORD.has(code)) return [];
    throw new DnsUnavailableError(typeof code === "string" ? code : "error");
  }
}
