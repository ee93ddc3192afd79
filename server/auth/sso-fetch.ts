import { promises as dns } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import type { Duplex } from "node:stream";
import { env } from "@/server/env";
import { addressAllowed, isLoopbackAddress } from "./sso-address";

/**
 * Every request single sign-on makes (discovery, keys, and openid-client's token and key requests)
 * goes through here. The issuer URL is typed by a practice admin and its discovery document names
 * further URLs, so each request is held to: https (http only to loopback, when the operator allows
 * it), an address check after one DNS resolution and a connection to exactly the checked address
 * (no rebinding), no redirects, one deadline for the whole exchange and a cap on what is read.
 */
export const SSO_DEADLINE_MS = 5_000;
export const SSO_MAX_BYTES = 512 * 1024;
/** Concurrent fetches per origin; more fail at once rather than queue behind a slow issuer. */
const PER_ORIGIN = 2;

export type SsoFetchReason =
  | "scheme"
  | "address"
  | "origin"
  | "dns"
  | "redirect"
  | "status"
  | "timeout"
  | "too_large"
  | "busy"
  | "network"
  | "invalid";

/** A refused or failed SSO request: a fixed reason class, never anything the other side sent. */
export class SsoFetchError extends Error {
  constructor(readonly reason: SsoFetchReason) {
    super(`SSO request refused: ${reason}`);
    this.name = "SsoFetchError";
  }
}

const loopbackAllowed = () => env().CAREROSTER_SSO_ALLOW_HTTP_LOOPBACK;
const bare = (host: string) => host.replace(/^\[(.*)\]$/, "$1");

/** https, or http to a loopback host when the operator allows it; never credentials in the URL. */
export function checkSsoUrl(raw: string | URL): URL {
  const url = URL.canParse(raw) ? new URL(raw) : null;
  if (!url || url.username || url.password) throw new SsoFetchError("invalid");
  if (url.protocol === "https:") return url;
  const host = bare(url.hostname);
  if (url.protocol === "http:" && loopbackAllowed() && (host === "localhost" || isLoopbackAddress(host))) return url;
  throw new SsoFetchError("scheme");
}

export type Resolve = (host: string) => Promise<string[]>;
const systemResolve: Resolve = async (host) =>
  (await dns.lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Whether a socket may go to `ip`: plain http only ever to loopback. */
const mayConnect = (ip: string, plainHttp: boolean) =>
  addressAllowed(ip, loopbackAllowed()) && (!plainHttp || isLoopbackAddress(ip));

/**
 * net's `lookup` for SSO sockets: resolves once, refuses when any address is forbidden (a name may
 * mix a public and a private one), and hands net the addresses it checked, so nothing resolves again.
 */
export function guardedLookup(plainHttp: boolean, resolve: Resolve = systemResolve): LookupFunction {
  return (host, options, callback) => {
    resolve(host)
      .catch(() => Promise.reject(new SsoFetchError("dns")))
      .then((found) => {
        const wanted = found.filter((ip) => !options.family || isIP(ip) === options.family);
        if (!wanted.length) throw new SsoFetchError("dns");
        if (!found.every((ip) => mayConnect(ip, plainHttp))) throw new SsoFetchError("address");
        if (options.all)
          callback(
            null,
            wanted.map((address) => ({ address, family: isIP(address) })),
          );
        else callback(null, wanted[0], isIP(wanted[0]));
      })
      .catch((err: SsoFetchError) => callback(err, ""));
  };
}

/**
 * A backstop on every socket, whoever reads it (openid-client reads whole bodies without a limit):
 * a little past the deadline and the cap, it is closed. Without an error: openid-client stops
 * listening for one once the response has begun, and the read then fails as an aborted response.
 */
function bounded(socket: Duplex | null | undefined) {
  if (!socket) return socket;
  let read = 0;
  const deadline = setTimeout(() => socket.destroy(), SSO_DEADLINE_MS + 1_000);
  socket.on("data", (chunk: Buffer) => {
    read += chunk.length;
    if (read > SSO_MAX_BYTES + 64 * 1024) socket.destroy();
  });
  socket.once("close", () => clearTimeout(deadline));
  return socket;
}

type ConnectCallback = (err: Error | null, stream: Duplex) => void;

/** An IP literal never reaches `lookup`, so it is checked here, before any socket exists. */
function refusedLiteral(host: unknown, plainHttp: boolean, callback?: ConnectCallback) {
  const ip = typeof host === "string" ? bare(host) : "";
  if (!isIP(ip) || mayConnect(ip, plainHttp)) return false;
  callback?.(new SsoFetchError("address"), undefined as unknown as Duplex);
  return true;
}

class SsoHttpAgent extends http.Agent {
  createConnection(options: http.ClientRequestArgs, callback?: ConnectCallback) {
    if (refusedLiteral(options.host, true, callback)) return undefined;
    return bounded(super.createConnection({ ...options, lookup: guardedLookup(true) }, callback));
  }
}

class SsoHttpsAgent extends https.Agent {
  createConnection(options: https.RequestOptions, callback?: ConnectCallback) {
    if (refusedLiteral(options.host, false, callback)) return undefined;
    return bounded(super.createConnection({ ...options, lookup: guardedLookup(false) }, callback));
  }
}

const agents: Record<string, http.Agent> = {
  "http:": new SsoHttpAgent({ keepAlive: false, maxSockets: 4 }),
  "https:": new SsoHttpsAgent({ keepAlive: false, maxSockets: 4 }),
};

/**
 * openid-client's own requests (token endpoint, its key fetch), for `custom.http_options`: the same
 * URL rules and agents.
 */
export function openidHttpOptions(url: URL, options: https.RequestOptions): https.RequestOptions {
  checkSsoUrl(url);
  return { ...options, agent: agents[url.protocol], timeout: SSO_DEADLINE_MS };
}

const inFlight = new Map<string, number>();

/** GET one small document: 200 only (a redirect is a failure), within the deadline and the cap. */
export async function ssoGet(raw: string | URL, signal?: AbortSignal): Promise<Buffer> {
  const url = checkSsoUrl(raw);
  const busy = inFlight.get(url.origin) ?? 0;
  if (busy >= PER_ORIGIN) throw new SsoFetchError("busy");
  inFlight.set(url.origin, busy + 1);
  try {
    return await get(url, signal);
  } finally {
    const left = (inFlight.get(url.origin) ?? 1) - 1;
    if (left) inFlight.set(url.origin, left);
    else inFlight.delete(url.origin);
  }
}

async function get(url: URL, signal?: AbortSignal): Promise<Buffer> {
  const req = (url.protocol === "https:" ? https : http).request(url, {
    agent: agents[url.protocol],
    headers: { accept: "application/json", "accept-encoding": "identity" },
  });
  let failure: SsoFetchError | undefined;
  const abort = (reason: SsoFetchReason) => {
    failure ??= new SsoFetchError(reason);
    req.destroy(failure);
  };
  req.on("error", (err) => void (failure ??= err instanceof SsoFetchError ? err : new SsoFetchError("network")));
  const deadline = setTimeout(() => abort("timeout"), SSO_DEADLINE_MS);
  signal?.addEventListener("abort", () => abort("timeout"), { once: true });
  try {
    const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
      req.once("response", resolve).once("error", reject).end(),
    );
    const status = res.statusCode ?? 0;
    if (status !== 200) abort(status >= 300 && status < 400 ? "redirect" : "status");
    else if (Number(res.headers["content-length"]) > SSO_MAX_BYTES) abort("too_large");
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > SSO_MAX_BYTES) abort("too_large");
      else chunks.push(chunk);
    }
    if (failure || !res.complete) throw failure ?? new SsoFetchError("network");
    return Buffer.concat(chunks);
  } catch {
    throw failure ?? new SsoFetchError("network");
  } finally {
    clearTimeout(deadline);
  }
}

/** jose's `customFetch` for a remote key set: the same checks, answered as a fetch Response. */
export async function ssoJwksFetch(url: string, options: { signal: AbortSignal }): Promise<Response> {
  const body = await ssoGet(url, options.signal);
  return new Response(body.toString("utf8"), { status: 200, headers: { "content-type": "application/json" } });
}

/**
 * What may be logged of a failed SSO step: a reason class, never a message (openid-client and JSON
 * errors quote what the issuer sent). next-auth wraps errors keeping only their message, so ours is
 * recognised by its fixed text.
 */
export function ssoReasonClass(err: unknown): string {
  if (err instanceof SsoFetchError) return err.reason;
  const refused = err instanceof Error ? /^SSO request refused: ([a-z_]+)$/.exec(err.message) : null;
  if (refused) return refused[1];
  const name = err instanceof Error ? err.name : "";
  return /^[A-Za-z]{1,40}$/.test(name) ? name : "error";
}
