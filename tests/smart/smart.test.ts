import type { TRPCError } from "@trpc/server";
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { createLocalJWKSet, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { withRlsContext } from "@/server/db/context";
import { appUrl } from "@/server/mail";
import { checkAuthorizeRequest } from "@/server/smart/authorize";
import { idTokenKey } from "@/server/smart/config";
import { revokeEndpoint } from "@/server/smart/token";
import {
  asUser,
  callerFor,
  callerWith,
  demoIds,
  ownerPanel,
  ownerSql,
  pgError,
  runtimeDb,
  sessionFor,
  trpcCode,
} from "@/tests/helpers/db";
import {
  allow,
  asBearer,
  exchange,
  launch,
  pkce,
  post,
  REDIRECT,
  refresh,
  refusals,
  registerApp,
  smartAuthDb,
  token,
} from "./helpers";

// The SMART authorization server as an attacking app or a careless one would use it: the consent
// procedure, the token and revocation endpoints (web Requests, as the route handlers pass them) and
// the bearer door function, on the real database.

describe("registering apps", () => {
  it("an admin registers an app; its secret is shown once and kept only as a hash the runtime role cannot read", async () => {
    const app = await registerApp("northside", { confidential: true });
    expect(app.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [row] = await ownerSql()`select secret_hash, org_id from smart_apps where id = ${app.id}`;
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.secret_hash).not.toContain(app.clientSecret);
    const { users, orgs } = await demoIds();
    expect(row.org_id).toBe(orgs.northside);
    const session = await sessionFor("northAdmin", "northside");
    const denied = await pgError(
      withRlsContext(runtimeDb(), { kind: "session", ...session }, (tx) =>
        tx.execute(sql`select secret_hash from smart_apps`),
      ),
    );
    expect(denied.code).toBe("42501");
    expect(users.northAdmin).toBeTruthy();
  });

  it("a clinician cannot register or list apps; another practice's admin sees none of them and cannot disable them", async () => {
    const app = await registerApp("northside");
    const grey = await callerFor("grey", "northside");
    expect(await trpcCode(grey.admin.apps.list())).toBe("FORBIDDEN");
    expect(
      await trpcCode(
        grey.admin.apps.register({ name: "Mine", redirectUris: [REDIRECT], confidential: false, scopes: ["openid"] }),
      ),
    ).toBe("FORBIDDEN");
    const lake = await callerFor("lakeAdmin", "lakeside");
    expect((await lake.admin.apps.list()).map((a) => a.id)).not.toContain(app.id);
    expect(await trpcCode(lake.admin.apps.disable({ appId: app.id }))).toBe("NOT_FOUND");
    // Nor a clinician's SQL: a blanket read or disable (no WHERE) finds no app of the practice.
    const listed = await asUser("grey", "northside", (tx) => tx.execute(sql`select id from smart_apps`));
    expect(listed).toHaveLength(0);
    const blanket = await asUser("grey", "northside", (tx) =>
      tx.execute(sql`update smart_apps set disabled_at = now()`),
    );
    expect(blanket.count).toBe(0);
    const [row] = await ownerSql()`select disabled_at from smart_apps where id = ${app.id}`;
    expect(row.disabled_at).toBeNull();
  });

  it("with the app's own SQL: a clinician registers no app, and an admin only as its creator", async () => {
    const { users, orgs } = await demoIds();
    // No RETURNING on the refused ones: reading the new row back is a check of its own (the select
    // policy), which would refuse a clinician's row even if the insert policy let it in.
    const insert = (createdBy: string) => sql`
      insert into smart_apps (org_id, client_id, name, redirect_uris, confidential, scopes, created_by)
      values (${orgs.northside}, ${`cr-sql-${randomBytes(6).toString("hex")}`}, 'SQL app', array[${REDIRECT}]::text[],
              false, array['openid']::text[], ${createdBy})`;
    expect((await asUser("grey", "northside", (tx) => pgError(tx.execute(insert(users.grey))))).code).toBe("42501");
    expect((await asUser("northAdmin", "northside", (tx) => pgError(tx.execute(insert(users.grey))))).code).toBe(
      "42501",
    );
    const own = await asUser("northAdmin", "northside", (tx) =>
      tx.execute(sql`${insert(users.northAdmin)} returning id`),
    );
    expect(own).toHaveLength(1);
  });

  it("the admin's own SQL may only turn an app off, and a disabled app stays disabled", async () => {
    const app = await registerApp("northside");
    const enable = sql`update smart_apps set disabled_at = null where id = ${app.id}`;
    // On a live app the update changes nothing, and is still not one the policy allows.
    expect((await asUser("northAdmin", "northside", (tx) => pgError(tx.execute(enable)))).code).toBe("42501");
    await (await callerFor("northAdmin", "northside")).admin.apps.disable({ appId: app.id });
    expect((await asUser("northAdmin", "northside", (tx) => pgError(tx.execute(enable)))).code).toBe("42501");
    // Nor is its disabling moved in time.
    const redate = sql`update smart_apps set disabled_at = now() - interval '1 day' where id = ${app.id}`;
    expect((await asUser("northAdmin", "northside", (tx) => pgError(tx.execute(redate)))).message).toBe(
      "a disabled app stays disabled",
    );
    const [row] = await ownerSql()`select disabled_at from smart_apps where id = ${app.id}`;
    expect(row.disabled_at).not.toBeNull();
  });

  it("refuses bad registrations with the fields named", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const err = await admin.admin.apps
      .register({ name: "x", redirectUris: ["http://evil.example/cb"], confidential: false, scopes: [] })
      .then(
        () => null,
        (e: TRPCError) => e,
      );
    expect(err?.code).toBe("BAD_REQUEST");
    const paths = (err?.cause as unknown as { issues: { path: string[] }[] }).issues.map((i) => i.path[0]);
    expect(paths).toEqual(expect.arrayContaining(["name", "redirectUris", "scopes"]));
  });

  it("the runtime role reads no code or token table at all", async () => {
    for (const table of ["smart_codes", "smart_tokens"]) {
      const denied = await pgError(
        withRlsContext(runtimeDb(), { kind: "none" }, (tx) => tx.execute(sql.raw(`select * from ${table}`))),
      );
      expect(denied.code).toBe("42501");
    }
  });
});

describe("the authorization request", () => {
  const params = (clientId: string, over: Record<string, string | undefined> = {}) => ({
    response_type: "code",
    client_id: clientId,
    redirect_uri: REDIRECT,
    scope: "openid fhirUser patient/*.read launch/patient user/Observation.rs",
    state: "abc",
    aud: `${appUrl()}/fhir`,
    code_challenge: pkce().challenge,
    code_challenge_method: "S256",
    ...over,
  });

  it("never redirects to a redirect URI the app did not register, exactly", async () => {
    const app = await registerApp("northside");
    for (const uri of [
      "https://evil.example/callback",
      `${REDIRECT}/`,
      `${REDIRECT}?x=1`,
      "https://APP.example.org/callback",
      "https://app.example.org/callback#x",
    ]) {
      const check = await checkAuthorizeRequest(runtimeDb(), params(app.clientId, { redirect_uri: uri }));
      expect(check.kind, uri).toBe("page_error");
    }
    const unknown = await checkAuthorizeRequest(runtimeDb(), params("cr-no-such-app"));
    expect(unknown.kind).toBe("page_error");
  });

  it("sends PKCE-less, plain-PKCE and wrong-audience requests back to the app as errors", async () => {
    const app = await registerApp("northside");
    for (const over of [
      { code_challenge: undefined },
      { code_challenge_method: "plain" },
      { code_challenge_method: undefined },
      { aud: "https://other.example/fhir" },
      { response_type: "token" },
    ]) {
      const check = await checkAuthorizeRequest(runtimeDb(), params(app.clientId, over));
      expect(check.kind).toBe("app_error");
      if (check.kind !== "app_error") continue;
      const url = new URL(check.redirect);
      expect(url.origin + url.pathname).toBe(REDIRECT);
      expect(url.searchParams.get("error")).toMatch(/^(invalid_request|unsupported_response_type)$/);
      expect(url.searchParams.get("state")).toBe("abc");
    }
  });

  it("grants requested ∩ registered scopes, with v1 .read mapped to .rs", async () => {
    const app = await registerApp("northside", { scopes: ["openid", "fhirUser", "launch/patient", "patient/*.rs"] });
    const check = await checkAuthorizeRequest(runtimeDb(), params(app.clientId));
    expect(check.kind).toBe("ok");
    if (check.kind !== "ok") return;
    expect(check.scopes).toEqual(["openid", "fhirUser", "launch/patient", "patient/*.rs"]);
    expect(check.patientNeeded).toBe(true);
  });

  it("a disabled app cannot be authorized and its tokens stop", async () => {
    const { app, access_token } = await launch("grey", "northside");
    expect(await asBearer(access_token)).not.toBe("dead");
    const admin = await callerFor("northAdmin", "northside");
    expect((await admin.admin.apps.disable({ appId: app.id })).endedSessions).toBeGreaterThanOrEqual(1);
    expect(await asBearer(access_token)).toBe("dead");
    expect((await checkAuthorizeRequest(runtimeDb(), params(app.clientId))).kind).toBe("page_error");
    expect(await trpcCode(admin.admin.apps.disable({ appId: app.id }))).toBe("NOT_FOUND");
  });
});

describe("consent", () => {
  it("a member allows only an app of the practice they are in, only with a patient they see", async () => {
    const north = await registerApp("northside");
    const lakeSession = await sessionFor("house", "lakeside");
    expect(
      await trpcCode(
        callerWith(lakeSession).smart.allow({
          clientId: north.clientId,
          redirectUri: REDIRECT,
          scope: "user/*.rs",
          codeChallenge: pkce().challenge,
        }),
      ),
    ).toBe("FORBIDDEN");
    const grey = await sessionFor("grey", "northside");
    const { orgs } = await demoIds();
    const [hidden] = await ownerSql()`
      select id from patients where org_id = ${orgs.northside}
        and id <> all(${await ownerPanel("grey", "northside")}::uuid[]) limit 1`;
    const [elsewhere] = await ownerSql()`select id from patients where org_id = ${orgs.lakeside} limit 1`;
    for (const patientId of [hidden.id as string, elsewhere.id as string]) {
      expect(
        await trpcCode(
          callerWith(grey).smart.allow({
            clientId: north.clientId,
            redirectUri: REDIRECT,
            scope: "launch/patient patient/*.rs",
            codeChallenge: pkce().challenge,
            patientId,
          }),
        ),
      ).toBe("NOT_FOUND");
    }
    expect(
      await trpcCode(
        callerWith(grey).smart.allow({
          clientId: north.clientId,
          redirectUri: "https://evil.example/callback",
          scope: "user/*.rs",
          codeChallenge: pkce().challenge,
        }),
      ),
    ).toBe("BAD_REQUEST");
  });

  it("deny sends access_denied to the app and is audited", async () => {
    const app = await registerApp("northside");
    const grey = await sessionFor("grey", "northside");
    const { redirect } = await callerWith(grey).smart.deny({
      clientId: app.clientId,
      redirectUri: REDIRECT,
      state: "s",
    });
    expect(new URL(redirect).searchParams.get("error")).toBe("access_denied");
    expect(await refusals(app.id)).toEqual(["smart.app_register", "smart.deny"]);
  });
});

describe("the token endpoint", () => {
  it("a user/*.rs token reads exactly what the user sees, with an id_token naming the Practitioner", async () => {
    const { users } = await demoIds();
    const res = await launch("grey", "northside");
    expect(res.token_type).toBe("Bearer");
    expect(res.scope).toBe("openid fhirUser offline_access user/*.rs");
    expect(res.refresh_token).toBeTruthy();
    const { publicJwk } = await idTokenKey();
    const { payload } = await jwtVerify(res.id_token, createLocalJWKSet({ keys: [publicJwk] }), {
      issuer: appUrl(),
      audience: res.app.clientId,
    });
    expect(payload.sub).toBe(users.grey);
    expect(payload.fhirUser).toBe(`Practitioner/${users.grey}`);
    expect(payload.nonce).toBe("n-1");
    const seen = await asBearer(res.access_token);
    expect(seen).not.toBe("dead");
    if (seen === "dead") return;
    expect(seen.patientIds).toEqual(await ownerPanel("grey", "northside"));
    expect(seen.facts.token?.scopes).toEqual(["openid", "fhirUser", "offline_access", "user/*.rs"]);
    expect(await refusals(res.app.id)).toEqual(["smart.app_register", "smart.authorize", "smart.token"]);
  });

  it("without offline_access there is no refresh token", async () => {
    const res = await launch("grey", "northside", { scope: "openid user/*.rs" });
    expect(res.refresh_token).toBeUndefined();
    expect(res.id_token).toBeTruthy();
  });

  it("a patient/* launch carries its patient", async () => {
    const [patientId] = await ownerPanel("grey", "northside");
    const res = await launch("grey", "northside", { scope: "launch/patient patient/*.rs", patientId });
    expect(res.patient).toBe(patientId);
    const seen = await asBearer(res.access_token);
    if (seen === "dead") throw new Error("expected a live token");
    expect(seen.facts.token?.patientId).toBe(patientId);
  });

  it("PKCE: a missing or wrong verifier is refused, burns the code and is audited", async () => {
    const app = await registerApp("northside");
    for (const wrong of ["", randomBytes(32).toString("base64url"), "short"]) {
      const session = await sessionFor("grey", "northside");
      const { verifier, challenge } = pkce();
      const code = await allow(session, app.clientId, { challenge });
      const refused = await exchange(app.clientId, code, wrong);
      expect(refused).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
      // The right verifier afterwards: the code is spent.
      expect((await exchange(app.clientId, code, verifier)).body.error).toBe("invalid_grant");
    }
    const log = await refusals(app.id);
    expect(log.filter((a) => a === "smart.token_refused:pkce")).toHaveLength(3);
    expect(log).not.toContain("smart.token");
  });

  it("a code used twice is refused and ends the access the first exchange gave", async () => {
    const app = await registerApp("northside");
    const session = await sessionFor("grey", "northside");
    const { verifier, challenge } = pkce();
    const code = await allow(session, app.clientId, { challenge });
    const first = await exchange(app.clientId, code, verifier);
    expect(first.status).toBe(200);
    expect(await asBearer(first.body.access_token)).not.toBe("dead");
    const second = await exchange(app.clientId, code, verifier);
    expect(second.body.error).toBe("invalid_grant");
    expect(await asBearer(first.body.access_token)).toBe("dead");
    expect(
      (await token({ grant_type: "refresh_token", refresh_token: first.body.refresh_token, client_id: app.clientId }))
        .body.error,
    ).toBe("invalid_grant");
    expect(await refusals(app.id)).toContain("smart.token_refused:code_reused");
  });

  it("a code for one redirect URI or one client is no code for another", async () => {
    const app = await registerApp("northside", { redirectUris: [REDIRECT, "https://app.example.org/other"] });
    const other = await registerApp("northside");
    const session = await sessionFor("grey", "northside");
    const { verifier, challenge } = pkce();
    const code = await allow(session, app.clientId, { challenge });
    expect((await exchange(other.clientId, code, verifier)).body.error).toBe("invalid_client");
    expect(
      (await exchange(app.clientId, code, verifier, { redirect_uri: "https://app.example.org/other" })).body.error,
    ).toBe("invalid_grant");
  });

  it("a confidential app must authenticate with its secret", async () => {
    const app = await registerApp("northside", { confidential: true });
    const session = await sessionFor("grey", "northside");
    const attempt = async (headers: Record<string, string>, extra: Record<string, string> = {}) => {
      const { verifier, challenge } = pkce();
      const code = await allow(session, app.clientId, { challenge });
      return token(
        { grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier, ...extra },
        headers,
      );
    };
    // No secret, then a wrong one.
    expect((await attempt({}, { client_id: app.clientId })).body.error).toBe("invalid_client");
    const basic = (secret: string) => ({
      authorization: `Basic ${Buffer.from(`${app.clientId}:${secret}`).toString("base64")}`,
    });
    expect((await attempt(basic("wrong-secret"))).body.error).toBe("invalid_client");
    const { verifier, challenge } = pkce();
    const code = await allow(session, app.clientId, { challenge });
    const ok = await token(
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier },
      basic(app.clientSecret!),
    );
    expect(ok.status).toBe(200);
  });

  it("an expired access token reads nothing", async () => {
    const res = await launch("grey", "northside");
    expect(await asBearer(res.access_token)).not.toBe("dead");
    await ownerSql()`update smart_tokens set expires_at = now() - interval '1 second'
                     where kind = 'access' and session_id = (select id from sessions where app_id = ${res.app.id})`;
    expect(await asBearer(res.access_token)).toBe("dead");
  });
});

describe("refresh tokens", () => {
  it("rotate: each is spent on use; presenting a spent one ends the whole family", async () => {
    const res = await launch("grey", "northside");
    const first = await refresh(res);
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe(res.refresh_token);
    expect(await asBearer(first.body.access_token)).not.toBe("dead");
    const replay = await refresh(res);
    expect(replay.body.error).toBe("invalid_grant");
    expect(await asBearer(first.body.access_token)).toBe("dead");
    expect(await asBearer(res.access_token)).toBe("dead");
    const next = await token({
      grant_type: "refresh_token",
      refresh_token: first.body.refresh_token,
      client_id: res.app.clientId,
    });
    expect(next.body.error).toBe("invalid_grant");
    expect(await refusals(res.app.id)).toContain("smart.token_refused:refresh_reused");
  });

  it("may narrow the scopes but never widen them", async () => {
    const [patientId] = await ownerPanel("grey", "northside");
    const res = await launch("grey", "northside", { scope: "launch/patient patient/*.rs offline_access", patientId });
    const wider = await refresh(res, { scope: "patient/*.rs user/*.rs offline_access" });
    expect(wider).toMatchObject({ status: 400, body: { error: "invalid_scope" } });
    expect(await refusals(res.app.id)).toContain("smart.token_refused:scope_escalation");
    // The refused refresh token was not spent: narrowing with it works.
    const narrower = await refresh(res, { scope: "patient/*.read" });
    expect(narrower.status).toBe(200);
    expect(narrower.body.scope).toBe("patient/*.rs");
    expect(narrower.body.patient).toBe(patientId);
  });

  it("another client cannot use an app's refresh token", async () => {
    const res = await launch("grey", "northside");
    const other = await registerApp("northside");
    expect(
      (await token({ grant_type: "refresh_token", refresh_token: res.refresh_token, client_id: other.clientId })).body
        .error,
    ).toBe("invalid_client");
  });
});

describe("what ends an app's access", () => {
  it("the member ending the app's session on their account page", async () => {
    const res = await launch("grey", "northside");
    const mine = await callerWith(res.session).me.sessions();
    const [{ name }] = await ownerSql()`select name from smart_apps where id = ${res.app.id}`;
    const appSession = mine.find((s) => s.device === `SMART app: ${name}`);
    expect(appSession).toBeTruthy();
    await callerWith(res.session).me.endSession({ sessionId: appSession!.id });
    expect(await asBearer(res.access_token)).toBe("dead");
    expect((await refresh(res)).body.error).toBe("invalid_grant");
  });

  it("the revocation endpoint", async () => {
    const res = await launch("grey", "northside");
    const r = await revokeEndpoint(
      smartAuthDb(),
      post("/api/smart/revoke", { token: res.access_token, client_id: res.app.clientId }),
    );
    expect(r.status).toBe(200);
    expect(await asBearer(res.access_token)).toBe("dead");
    expect(await refusals(res.app.id)).toContain("smart.revoke");
  });

  it("a suspension, on the next request; reactivating does not bring it back", async () => {
    const { users } = await demoIds();
    const res = await launch("shepherd", "northside");
    expect(await asBearer(res.access_token)).not.toBe("dead");
    const admin = await callerFor("northAdmin", "northside");
    await admin.admin.members.setStatus({ userId: users.shepherd, status: "suspended" });
    try {
      expect(await asBearer(res.access_token)).toBe("dead");
    } finally {
      await admin.admin.members.setStatus({ userId: users.shepherd, status: "active" });
    }
    expect(await asBearer(res.access_token)).toBe("dead");
    expect((await refresh(res)).body.error).toBe("invalid_grant");
  });

  it("the browser session that consented, ended before the code is exchanged", async () => {
    const app = await registerApp("northside");
    const session = await sessionFor("grey", "northside");
    const { verifier, challenge } = pkce();
    const code = await allow(session, app.clientId, { challenge });
    await ownerSql()`update sessions set revoked_at = now() where id = ${session.sessionId}`;
    expect((await exchange(app.clientId, code, verifier)).body.error).toBe("invalid_grant");
  });
});

describe("a token stays in its practice", () => {
  it("after the member switches their browser to another practice, the token still reads only the first", async () => {
    const { orgs } = await demoIds();
    const res = await launch("locum", "northside");
    const switched = await callerWith(res.session).me.switchOrg({ orgId: orgs.lakeside });
    expect(switched.id).toBe(orgs.lakeside);
    const seen = await asBearer(res.access_token);
    if (seen === "dead") throw new Error("expected a live token");
    expect(seen.facts.orgId).toBe(orgs.northside);
    expect(seen.patientIds).toEqual(await ownerPanel("locum", "northside"));
    const lakeside = (await ownerSql()`select id from patients where org_id = ${orgs.lakeside}`).map((r) => r.id);
    expect(seen.patientIds.filter((id) => lakeside.includes(id))).toEqual([]);
    // Refreshing keeps it in Northside too.
    const refreshed = await refresh(res);
    const again = await asBearer(refreshed.body.access_token);
    if (again === "dead") throw new Error("expected a live token");
    expect(again.facts.orgId).toBe(orgs.northside);
  });

  it("the app's session cannot be moved to another practice, and Lakeside's suspension does not touch it", async () => {
    const { orgs, users } = await demoIds();
    const res = await launch("locum", "northside");
    const [appSession] = await ownerSql()`select id from sessions where app_id = ${res.app.id}`;
    const [moved] = await runtimeDb().execute<{ outcome: string }>(
      sql`select app_session_switch_org(${appSession.id}::uuid, ${""}, ${orgs.lakeside}::uuid) as outcome`,
    );
    expect(moved.outcome).toBe("not_member");
    const lakeAdmin = await callerFor("lakeAdmin", "lakeside");
    await lakeAdmin.admin.members.setStatus({ userId: users.locum, status: "suspended" });
    try {
      const seen = await asBearer(res.access_token);
      if (seen === "dead") throw new Error("expected a live token");
      expect(seen.facts.orgId).toBe(orgs.northside);
    } finally {
      await lakeAdmin.admin.members.setStatus({ userId: users.locum, status: "active" });
    }
  });
});
