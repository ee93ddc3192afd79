import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import net, { type AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { custom, Issuer } from "openid-client";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { GET, POST } from "@/app/api/auth/[...nextauth]/route";
import { encryptSecret, ssoPurpose } from "@/server/auth/mfa-crypto";
import { authOptionsFor } from "@/server/auth/options";
import { issuerKeys, JWKS_COOLDOWN_MS, validateIdToken } from "@/server/auth/sso";
import { discover } from "@/server/auth/sso-discovery";
import {
  guardedLookup,
  openidHttpOptions,
  SSO_DEADLINE_MS,
  SSO_MAX_BYTES,
  SsoFetchError,
  ssoGet,
} from "@/server/auth/sso-fetch";
import { ConfigError } from "@/server/db/config";
import { parseEnv } from "@/server/env";
import { demoIds, ownerSql } from "@/tests/helpers/db";

// Every request single sign-on makes, against real servers on 127.0.0.1 (no traffic ever leaves
// loopback: the private and metadata addresses below must be refused before any socket exists).

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: { close: () => Promise<void> }[] = [];

/** A server on a free loopback port that records the requests it got and counts connections. */
async function serve(handler: Handler) {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? "");
    handler(req, res);
  });
  const connections = { count: 0 };
  server.on("connection", () => connections.count++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  servers.push({ close });
  return { origin, hits, connections };
}

const json = (res: ServerResponse, body: unknown) => {
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(body));
};

/** A discovery document for `issuer` with its endpoints on `at` (the issuer's own origin unless given). */
const discovery = (issuer: string, at = issuer) => ({
  issuer,
  authorization_endpoint: `${at}/auth`,
  token_endpoint: `${at}/token`,
  jwks_uri: `${at}/jwks`,
});

/** The fixed reason a refused request names (never anything the other side sent). */
const reason = (promise: Promise<unknown>) =>
  promise.then(
    () => "fulfilled",
    (err: unknown) => (err instanceof SsoFetchError ? err.reason : `other: ${String(err)}`),
  );

/** Streams `total` bytes as fast as the reader takes them; `sent` is what left the server. */
function firehose(total: number, counter: { sent: number }): Handler {
  return (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (counter.sent < total && !res.destroyed) {
        counter.sent += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      res.end();
    };
    res.on("error", () => undefined);
    pump();
  };
}

beforeEach(() => {
  process.env.CAREROSTER_SSO_ALLOW_HTTP_LOOPBACK = "1";
});
afterEach(async () => {
  vi.restoreAllMocks();
  vi.useRealTimers();
  delete process.env.CAREROSTER_SSO_ALLOWED_ORIGINS;
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  delete process.env.CAREROSTER_SSO_ALLOW_HTTP_LOOPBACK;
});

describe("SSO discovery", () => {
  it("refuses a token endpoint on another origin before anything is sent there", async () => {
    const other = await serve((_req, res) => json(res, { access_token: "x" }));
    const idp = await serve((_req, res) => json(res, discovery(idp.origin, other.origin)));
    expect(await reason(discover(idp.origin))).toBe("origin");
    expect(other.hits).toEqual([]);
  });

  it("refuses a redirect (to a metadata path or another host): the target gets nothing", async () => {
    const target = await serve((_req, res) => json(res, { secret: "internal" }));
    const idp = await serve((_req, res) =>
      res.writeHead(302, { location: `${target.origin}/latest/meta-data/` }).end(),
    );
    expect(await reason(discover(idp.origin))).toBe("redirect");
    const samePath = await serve((req, res) =>
      req.url === "/.well-known/openid-configuration"
        ? res.writeHead(301, { location: "/internal" }).end()
        : json(res, discovery(samePath.origin)),
    );
    expect(await reason(discover(samePath.origin))).toBe("redirect");
    expect(target.hits).toEqual([]);
    expect(samePath.hits).toEqual(["/.well-known/openid-configuration"]);
  });

  it("requires the document's issuer to be the stored one", async () => {
    const idp = await serve((_req, res) => json(res, discovery("https://accounts.example", idp.origin)));
    expect(await reason(discover(idp.origin))).toBe("invalid");
  });

  it("answers endpoints on the issuer's origin, caches them, and shares one fetch among concurrent callers", async () => {
    const idp = await serve((_req, res) => setTimeout(() => json(res, discovery(idp.origin)), 100));
    const all = await Promise.all(Array.from({ length: 5 }, () => discover(idp.origin)));
    expect(all[0]).toEqual({
      issuer: idp.origin,
      authorization: `${idp.origin}/auth`,
      token: `${idp.origin}/token`,
      jwks: `${idp.origin}/jwks`,
    });
    await discover(idp.origin);
    expect(idp.hits).toHaveLength(1);
  });

  it("the operator's allow-list of origins is https origins only", () => {
    expect(
      parseEnv({ CAREROSTER_SSO_ALLOWED_ORIGINS: "https://oauth2.googleapis.com, https://www.googleapis.com" })
        .CAREROSTER_SSO_ALLOWED_ORIGINS,
    ).toEqual(["https://oauth2.googleapis.com", "https://www.googleapis.com"]);
    expect(parseEnv({}).CAREROSTER_SSO_ALLOWED_ORIGINS).toEqual([]);
    for (const bad of ["http://idp.example", "https://idp.example/path", "idp.example"])
      expect(() => parseEnv({ CAREROSTER_SSO_ALLOWED_ORIGINS: bad })).toThrow(ConfigError);
  });
});

describe("SSO fetch: where it may go", () => {
  it("refuses plain http to a non-loopback host, and to loopback unless the operator allows it", async () => {
    const local = await serve((_req, res) => json(res, {}));
    expect(await reason(ssoGet("http://idp.example/.well-known/openid-configuration"))).toBe("scheme");
    delete process.env.CAREROSTER_SSO_ALLOW_HTTP_LOOPBACK;
    expect(await reason(ssoGet(`${local.origin}/x`))).toBe("scheme");
    expect(local.hits).toEqual([]);
  });

  it("refuses private, link-local (metadata), multicast and mapped addresses before any socket connects", async () => {
    const connect = vi.spyOn(net.Socket.prototype, "connect");
    delete process.env.CAREROSTER_SSO_ALLOW_HTTP_LOOPBACK;
    for (const url of [
      "https://10.0.0.1/.well-known/openid-configuration",
      "https://169.254.169.254/latest/meta-data/",
      "https://172.16.5.4/",
      "https://192.168.1.1/",
      "https://100.64.0.1/",
      "https://0.0.0.0/",
      "https://224.0.0.1/",
      "https://127.0.0.1/",
      "https://[::1]/",
      "https://[::ffff:169.254.169.254]/",
      "https://[::ffff:a00:1]/",
      "https://[fd00::1]/",
      "https://[fe80::1]/",
    ]) {
      const started = performance.now();
      expect(await reason(ssoGet(url)), url).toBe("address");
      expect(performance.now() - started).toBeLessThan(200);
    }
    expect(connect).not.toHaveBeenCalled();
  });

  it("resolves a name once and refuses it before connecting when it resolves to a forbidden address", async () => {
    const local = await serve((_req, res) => json(res, {}));
    delete process.env.CAREROSTER_SSO_ALLOW_HTTP_LOOPBACK;
    // localhost resolves (system resolver) to loopback, refused without the operator's flag.
    expect(await reason(ssoGet(`https://localhost:${new URL(local.origin).port}/`))).toBe("address");
    expect(local.connections.count).toBe(0);
  });

  it("checks every address a name resolves to and hands net only the checked ones", async () => {
    const lookup = (resolved: string[], plainHttp = false) =>
      new Promise((resolve) =>
        guardedLookup(plainHttp, async () => resolved)("idp.example", { all: true }, (err, addresses) =>
          resolve(err ? (err as SsoFetchError).reason : addresses),
        ),
      );
    delete process.env.CAREROSTER_SSO_ALLOW_HTTP_LOOPBACK;
    expect(await lookup(["10.0.0.1"])).toBe("address");
    expect(await lookup(["169.254.169.254"])).toBe("address");
    expect(await lookup(["93.184.216.34", "10.0.0.1"])).toBe("address");
    expect(await lookup(["2606:2800:220:1::1", "fd12::1"])).toBe("address");
    expect(await lookup([])).toBe("dns");
    expect(await lookup(["93.184.216.34"])).toEqual([{ address: "93.184.216.34", family: 4 }]);
    process.env.CAREROSTER_SSO_ALLOW_HTTP_LOOPBACK = "1";
    expect(await lookup(["127.0.0.1"], true)).toEqual([{ address: "127.0.0.1", family: 4 }]);
    expect(await lookup(["93.184.216.34"], true)).toBe("address"); // plain http: loopback only
  });

  it("at most two fetches per origin at once; more fail at once", async () => {
    const slow = await serve((_req, res) => setTimeout(() => json(res, {}), 300));
    const results = await Promise.all([1, 2, 3].map(() => reason(ssoGet(`${slow.origin}/x`))));
    expect(results.sort()).toEqual(["busy", "fulfilled", "fulfilled"]);
    expect(slow.hits).toHaveLength(2);
  });
});

describe("SSO fetch: how long and how much", () => {
  it("a slow-drip answer is cut at the deadline", async () => {
    const drip = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const timer = setInterval(() => res.write(" "), 100);
      res.on("close", () => clearInterval(timer));
    });
    const started = performance.now();
    expect(await reason(ssoGet(`${drip.origin}/.well-known/openid-configuration`))).toBe("timeout");
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(SSO_DEADLINE_MS - 50);
    expect(took).toBeLessThan(SSO_DEADLINE_MS + 500);
  });

  it("a huge body is cut at the cap; memory stays flat", async () => {
    const counter = { sent: 0 };
    const huge = await serve(firehose(50 * 1024 * 1024, counter));
    const declared = await serve((_req, res) => res.writeHead(200, { "content-length": String(1 << 30) }).write("{"));
    const before = process.memoryUsage().rss;
    expect(await reason(ssoGet(`${huge.origin}/jwks`))).toBe("too_large");
    expect(await reason(ssoGet(`${declared.origin}/jwks`))).toBe("too_large");
    expect(process.memoryUsage().rss - before).toBeLessThan(32 * 1024 * 1024);
    expect(counter.sent).toBeLessThan(16 * 1024 * 1024); // the reader stopped; the stream did not run on
    expect(SSO_MAX_BYTES).toBe(512 * 1024);
  });

  it("openid-client's own requests (token endpoint) go through the same checks, deadline and cap", async () => {
    const client = (tokenEndpoint: string) => {
      const issuer = new Issuer({ issuer: "https://idp.example", token_endpoint: tokenEndpoint });
      const c = new issuer.Client({ client_id: "careroster", client_secret: "s3cret" });
      c[custom.http_options] = openidHttpOptions;
      return c;
    };
    const connect = vi.spyOn(net.Socket.prototype, "connect");
    await expect(client("https://10.0.0.1/token").grant({ grant_type: "client_credentials" })).rejects.toThrow(
      "SSO request refused: address",
    );
    await expect(client("http://idp.example/token").grant({ grant_type: "client_credentials" })).rejects.toThrow(
      "SSO request refused: scheme",
    );
    expect(connect).not.toHaveBeenCalled();
    const counter = { sent: 0 };
    const huge = await serve(firehose(50 * 1024 * 1024, counter));
    const before = process.memoryUsage().rss;
    await expect(client(`${huge.origin}/token`).grant({ grant_type: "client_credentials" })).rejects.toThrow();
    expect(process.memoryUsage().rss - before).toBeLessThan(32 * 1024 * 1024);
    expect(counter.sent).toBeLessThan(16 * 1024 * 1024);
  });
});

describe("the issuer's keys", () => {
  const keys: Record<string, { priv: CryptoKey; jwk: JWK }> = {};
  let published = ["k1"];
  let idp: Awaited<ReturnType<typeof serve>>;

  beforeAll(async () => {
    for (const kid of ["k1", "k2", "k3"]) {
      const pair = await generateKeyPair("RS256");
      keys[kid] = { priv: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid, alg: "RS256" } };
    }
    idp = await serve((req, res) =>
      req.url === "/jwks"
        ? json(res, { keys: published.map((kid) => keys[kid].jwk) })
        : json(res, discovery(idp.origin)),
    );
  });

  const signed = (kid: string) =>
    new SignJWT({ email: "a@b.test" })
      .setProtectedHeader({ alg: "RS256", kid })
      .setIssuer(idp.origin)
      .setAudience("careroster")
      .setSubject("u1")
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(keys[kid].priv);
  const verify = async (kid: string) =>
    validateIdToken(await signed(kid), {
      issuer: idp.origin,
      clientId: "careroster",
      keys: await issuerKeys(idp.origin),
    })
      .then(() => "valid")
      .catch(() => "refused");
  const jwksFetches = () => idp.hits.filter((u) => u === "/jwks").length;

  it("an unknown kid fetches the set again once per cooldown (rotation), no more", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    expect(await verify("k1")).toBe("valid");
    expect(jwksFetches()).toBe(1);
    published = ["k1", "k2"]; // the issuer rotates
    expect(await verify("k2")).toBe("refused"); // within the cooldown of the first fetch
    expect(jwksFetches()).toBe(1);
    vi.setSystemTime(Date.now() + JWKS_COOLDOWN_MS + 1_000);
    expect(await verify("k2")).toBe("valid");
    expect(jwksFetches()).toBe(2);
    for (let i = 0; i < 5; i++) expect(await verify("k3")).toBe("refused"); // never published
    expect(jwksFetches()).toBe(2);
  });
});

describe("what the browser and the log see", () => {
  const SECRET = "INTERNAL-METADATA-7f3a";
  let orgId: string;

  beforeAll(async () => {
    orgId = (await demoIds()).orgs.lakeside;
    const internal = await serve((_req, res) => json(res, { secret: SECRET }));
    const idp = await serve((req, res) =>
      req.url === "/.well-known/openid-configuration"
        ? json(res, { ...discovery(idp.origin, internal.origin), note: SECRET })
        : res.end(SECRET),
    );
    await ownerSql()`insert into org_sso (org_id, issuer, client_id, client_secret_enc)
      values (${orgId}, ${idp.origin}, 'careroster', ${encryptSecret("s3cret", ssoPurpose(orgId))})`;
  });
  afterAll(async () => {
    await ownerSql()`delete from org_sso where org_id = ${orgId}`;
  });

  it("a practice whose discovery is refused answers the one fixed code, and logs no fetched content", async () => {
    const logged: unknown[] = [];
    for (const level of ["error", "warn", "log", "info"] as const)
      vi.spyOn(console, level).mockImplementation((...args) => void logged.push(...args));
    await expect(authOptionsFor(["signin", "sso-lakeside"], new Headers())).rejects.toThrow(SsoFetchError);
    const context = { params: Promise.resolve({ nextauth: ["signin", "sso-lakeside"] }) };
    const post = await POST(
      new NextRequest("http://localhost/api/auth/signin/sso-lakeside", { method: "POST", body: "json=true" }),
      context,
    );
    expect(await post.json()).toEqual({ url: "/login?error=SsoFailed" });
    const callback = { params: Promise.resolve({ nextauth: ["callback", "sso-lakeside"] }) };
    const get = await GET(new NextRequest("http://localhost/api/auth/callback/sso-lakeside?code=x&state=y"), callback);
    expect(get.status).toBe(302);
    expect(get.headers.get("location")).toBe("/login?error=SsoFailed");
    expect(await get.text()).toBe("");
    expect(logged.join(" ")).not.toContain(SECRET);
    expect(logged.join(" ")).toMatch(/SSO discovery failed 127\.0\.0\.1:\d+ origin/);
  });
});

describe("next-auth on the checked endpoints", () => {
  let orgId: string;
  let idp: Awaited<ReturnType<typeof serve>>;
  let key: CryptoKey;
  let jwk: JWK;
  let nonce = "";
  let tokenAuth = "";

  beforeAll(async () => {
    orgId = (await demoIds()).orgs.northside;
    const pair = await generateKeyPair("RS256");
    key = pair.privateKey;
    jwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256" };
    idp = await serve(async (req, res) => {
      if (req.url === "/jwks") return json(res, { keys: [jwk] });
      if (req.url !== "/token") return json(res, discovery(idp.origin));
      tokenAuth = req.headers.authorization ?? "";
      const idToken = await new SignJWT({ email: "house@lakeside.test", email_verified: true, nonce })
        .setProtectedHeader({ alg: "RS256", kid: "k1" })
        .setIssuer(idp.origin)
        .setAudience("careroster")
        .setSubject("idp-house")
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(key);
      json(res, { access_token: "at", token_type: "Bearer", id_token: idToken });
    });
    await ownerSql()`insert into org_sso (org_id, issuer, client_id, client_secret_enc)
      values (${orgId}, ${idp.origin}, 'careroster', ${encryptSecret("s3cret", ssoPurpose(orgId))})`;
  });
  afterAll(async () => {
    await ownerSql()`delete from org_sso where org_id = ${orgId}`;
  });

  it("sign-in redirects to the discovered authorization endpoint; the callback's token and key requests go through", async () => {
    // next-auth's own handler (its pages-router form: plain objects in, no Next.js request scope).
    const jar: Record<string, string> = {};
    const run = async (action: string, method: string, input: { query?: object; body?: object } = {}) => {
      const out = { status: 200, headers: {} as Record<string, unknown>, body: undefined as unknown };
      const res = {
        status: (code: number) => ((out.status = code), res),
        setHeader: (name: string, value: unknown) => ((out.headers[name.toLowerCase()] = value), res),
        getHeader: (name: string) => out.headers[name.toLowerCase()],
        end: () => undefined,
        json: (body: unknown) => void (out.body = body),
        send: (body: unknown) => void (out.body = body),
      };
      const req = {
        method,
        query: { nextauth: [action, "sso-northside"], ...input.query },
        body: input.body,
        cookies: jar,
      };
      await NextAuth(req as never, res as never, await authOptionsFor([action, "sso-northside"], new Headers()));
      for (const cookie of [out.headers["set-cookie"] ?? []].flat() as string[]) {
        const [pair] = cookie.split(";");
        const at = pair.indexOf("=");
        jar[pair.slice(0, at)] = decodeURIComponent(pair.slice(at + 1));
      }
      return { ...out, redirect: out.headers.location as string | undefined };
    };
    const { csrfToken } = (await run("csrf", "GET")).body as { csrfToken: string };
    const signin = await run("signin", "POST", { body: { csrfToken } });
    const authorize = new URL(signin.redirect!);
    expect(authorize.origin + authorize.pathname).toBe(`${idp.origin}/auth`);
    nonce = authorize.searchParams.get("nonce") ?? "";
    expect(idp.hits).toEqual(["/.well-known/openid-configuration"]); // ours, once; openid-client discovered nothing

    const callback = await run("callback", "GET", {
      query: { code: "c1", state: authorize.searchParams.get("state") },
    });
    expect(tokenAuth).toBe(`Basic ${Buffer.from("careroster:s3cret").toString("base64")}`);
    // The id_token passed openid-client (its key fetch) and jose (ours); then the practice's rules
    // refused another practice's email — the code of that refusal, nothing else.
    expect(callback.redirect).toMatch(/\?error=SsoNotMember$/);
    expect(idp.hits).toEqual(["/.well-known/openid-configuration", "/token", "/jwks", "/jwks"]);
  });
});
