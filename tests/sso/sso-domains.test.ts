import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { TRPCError } from "@trpc/server";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PUBLIC_MAIL_DOMAINS } from "@/lib/public-mail-domains";
import { encryptSecret, ssoPurpose } from "@/server/auth/mfa-crypto";
import { ssoByProviderId, ssoDecision, ssoForDomain } from "@/server/auth/sso";
import { enterContext } from "@/server/db/context";
import { DnsUnavailableError } from "@/server/sso/dns";
import {
  asUser,
  callerFor,
  demoIds,
  newSession,
  ownerSql,
  ownerUrl,
  pgError,
  runtimeDb,
  trpcCode,
} from "@/tests/helpers/db";
import { startDnsServer, type TestDnsServer } from "@/tests/helpers/dns-server";

// An admin of one practice tries to take another practice's email domain for its single sign-on.
// A real DNS server on the loopback (dns2) answers the TXT records each test sets; the app asks it
// through CAREROSTER_DNS_SERVER. Sign-in is checked at its decision (ssoDecision, after the id_token
// passed): grey@northside.test is an existing Northside account, so "SsoLinkRequired" means the
// domain was accepted and "SsoNotMember" that it was refused.

let dns: TestDnsServer;
const name = (domain: string) => `_careroster-sso.${domain}`;

async function tokenOf(org: "northside" | "lakeside") {
  const { orgs } = await demoIds();
  const [row] = await ownerSql()`select sso_verification_token from organizations where id = ${orgs[org]}`;
  return row.sso_verification_token as string;
}
const recordOf = async (org: "northside" | "lakeside") => `careroster-sso=${await tokenOf(org)}`;

async function domainRow(org: "northside" | "lakeside", domain: string) {
  const { orgs } = await demoIds();
  const [row] = await ownerSql()`select verified_at, verified_by, last_checked_at from org_sso_domains
    where org_id = ${orgs[org]} and domain = ${domain}`;
  return row as { verified_at: Date | null; verified_by: string | null; last_checked_at: Date | null } | undefined;
}

async function signIn(email: string) {
  const provider = await ssoByProviderId(runtimeDb(), "sso-northside");
  const decision = await ssoDecision(provider!, { email, email_verified: true, sub: `idp-${email}` });
  return decision.ok ? "ok" : decision.reason;
}

/** The code and message a call ends with. */
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => ({ code: "OK", message: "" }),
    (err: unknown) => (err instanceof TRPCError ? { code: err.code, message: err.message } : Promise.reject(err)),
  );

const admin = (org: "northside" | "lakeside") => callerFor(org === "northside" ? "northAdmin" : "lakeAdmin", org);

async function stale(org: "northside" | "lakeside", domain: string) {
  const { orgs } = await demoIds();
  await ownerSql()`update org_sso_domains set last_checked_at = now() - interval '2 hours'
    where org_id = ${orgs[org]} and domain = ${domain}`;
}

describe("SSO email domains: one practice each, and only once proven", () => {
  beforeAll(async () => {
    dns = await startDnsServer();
    process.env.CAREROSTER_DNS_SERVER = dns.address;
    const { orgs } = await demoIds();
    for (const org of [orgs.northside, orgs.lakeside])
      await ownerSql()`insert into org_sso (org_id, issuer, client_id, client_secret_enc)
        values (${org}, 'https://idp.example', 'client', ${encryptSecret("s3cret", ssoPurpose(org))})`;
  });
  beforeEach(async () => {
    const { orgs } = await demoIds();
    await ownerSql()`delete from org_sso_domains where org_id in (${orgs.northside}, ${orgs.lakeside})`;
  });
  afterAll(async () => {
    const { orgs } = await demoIds();
    await ownerSql()`delete from org_sso_domains where org_id in (${orgs.northside}, ${orgs.lakeside})`;
    await ownerSql()`delete from org_sso where org_id in (${orgs.northside}, ${orgs.lakeside})`;
    delete process.env.CAREROSTER_DNS_SERVER;
    await dns.close();
  });

  it("an added domain is pending: the settings show the record to create, and sign-in does not use it", async () => {
    const northAdmin = await admin("northside");
    expect(await northAdmin.admin.settings.addSsoDomain({ domain: " Northside.TEST " })).toEqual({
      domain: "northside.test",
      status: "pending",
    });
    const settings = await northAdmin.admin.settings.get();
    expect(settings.ssoToken).toBe(await tokenOf("northside"));
    expect(settings.ssoToken).toMatch(/^[0-9a-f]{32}$/);
    expect(settings.ssoToken).not.toBe(await tokenOf("lakeside"));
    expect(settings.ssoDomains).toMatchObject([{ domain: "northside.test", status: "pending", verifiedAt: null }]);
    expect(await ssoForDomain(runtimeDb(), "northside.test")).toBeNull();
    expect(await signIn("grey@northside.test")).toBe("SsoNotMember");
    const { users } = await demoIds();
    const [audit] = await ownerSql()`select detail from audit_events
      where actor_id = ${users.northAdmin} and action = 'settings.sso_domain_add' order by id desc limit 1`;
    expect(audit.detail).toEqual({ domain: "northside.test" });
  });

  it("with no record, Check DNS refuses and the domain stays pending", async () => {
    const northAdmin = await admin("northside");
    await northAdmin.admin.settings.addSsoDomain({ domain: "lakeside.test" });
    dns.remove(name("lakeside.test"));
    expect(await outcome(northAdmin.admin.settings.verifySsoDomain({ domain: "lakeside.test" }))).toEqual({
      code: "PRECONDITION_FAILED",
      message: expect.stringContaining("No TXT record was found at _careroster-sso.lakeside.test"),
    });
    expect(await domainRow("northside", "lakeside.test")).toMatchObject({ verified_at: null, verified_by: null });
    expect(await ssoForDomain(runtimeDb(), "lakeside.test")).toBeNull();
  });

  it("another practice's record (its token) does not verify the domain, in the app or in the database", async () => {
    const northAdmin = await admin("northside");
    await northAdmin.admin.settings.addSsoDomain({ domain: "lakeside.test" });
    dns.setTxt(name("lakeside.test"), ["v=spf1 -all", await recordOf("lakeside")]);
    expect(await outcome(northAdmin.admin.settings.verifySsoDomain({ domain: "lakeside.test" }))).toEqual({
      code: "PRECONDITION_FAILED",
      message: expect.stringContaining(`It must read exactly: ${await recordOf("northside")}`),
    });
    // The definer function checks the values itself: the runtime role cannot hand it a record it did not find.
    const lakeRecord = await recordOf("lakeside");
    const refused = await pgError(
      asUser("northAdmin", "northside", (tx) =>
        tx.execute(sql`select app_sso_domain_verify('lakeside.test', array[${lakeRecord}]::text[])`),
      ),
    );
    expect(refused.code).toBe("CR010");
    expect(await domainRow("northside", "lakeside.test")).toMatchObject({ verified_at: null });
    dns.remove(name("lakeside.test"));
  });

  it("the practice's own record verifies it (audited); sign-in then accepts the domain", async () => {
    const northAdmin = await admin("northside");
    await northAdmin.admin.settings.addSsoDomain({ domain: "northside.test" });
    dns.setTxt(name("northside.test"), [await recordOf("northside")]);
    expect(await northAdmin.admin.settings.verifySsoDomain({ domain: "northside.test" })).toMatchObject({
      domain: "northside.test",
      status: "dns",
    });
    expect(await domainRow("northside", "northside.test")).toMatchObject({ verified_by: "dns" });
    expect((await northAdmin.admin.settings.get()).ssoDomains).toMatchObject([
      { domain: "northside.test", status: "dns" },
    ]);
    expect(await ssoForDomain(runtimeDb(), "northside.test")).toMatchObject({ org_slug: "northside" });
    expect(await signIn("grey@northside.test")).toBe("SsoLinkRequired");
    const { users } = await demoIds();
    const [audit] = await ownerSql()`select detail from audit_events
      where actor_id = ${users.northAdmin} and action = 'settings.sso_domain_verify' order by id desc limit 1`;
    expect(audit.detail).toEqual({ domain: "northside.test", by: "dns" });
  });

  it("a record removed later: the re-check at sign-in refuses and the domain goes back to pending", async () => {
    const northAdmin = await admin("northside");
    await northAdmin.admin.settings.addSsoDomain({ domain: "northside.test" });
    dns.setTxt(name("northside.test"), [await recordOf("northside")]);
    await northAdmin.admin.settings.verifySsoDomain({ domain: "northside.test" });

    // Checked over an hour ago, record still there: accepted, and the check is stamped.
    await stale("northside", "northside.test");
    expect(await signIn("grey@northside.test")).toBe("SsoLinkRequired");
    const stamped = await domainRow("northside", "northside.test");
    expect(Date.now() - stamped!.last_checked_at!.getTime()).toBeLessThan(60_000);

    dns.remove(name("northside.test"));
    // Within the hour the last check stands.
    expect(await signIn("grey@northside.test")).toBe("SsoLinkRequired");
    await stale("northside", "northside.test");
    expect(await signIn("grey@northside.test")).toBe("SsoNotMember");
    expect(await domainRow("northside", "northside.test")).toMatchObject({ verified_at: null, verified_by: null });
    expect(await ssoForDomain(runtimeDb(), "northside.test")).toBeNull();
    expect(await signIn("grey@northside.test")).toBe("SsoNotMember");
  });

  it("a resolver that does not answer refuses the sign-in and leaves the domain verified", async () => {
    const { orgs } = await demoIds();
    await ownerSql()`select app_sso_domain_mark(${orgs.northside}, 'northside.test', 'operator')`;
    await ownerSql()`update org_sso_domains set verified_by = 'dns' where org_id = ${orgs.northside}`;
    await stale("northside", "northside.test");
    dns.silence(true);
    try {
      await expect(signIn("grey@northside.test")).rejects.toBeInstanceOf(DnsUnavailableError);
    } finally {
      dns.silence(false);
    }
    expect(await domainRow("northside", "northside.test")).toMatchObject({ verified_by: "dns" });
  });

  it("an operator-verified domain is not re-checked", async () => {
    const { orgs } = await demoIds();
    await ownerSql()`select app_sso_domain_mark(${orgs.northside}, 'northside.test', 'operator')`;
    dns.remove(name("northside.test"));
    await stale("northside", "northside.test");
    expect(await signIn("grey@northside.test")).toBe("SsoLinkRequired");
    expect(await domainRow("northside", "northside.test")).toMatchObject({ verified_by: "operator" });
  });

  it("a domain another practice holds verified is refused with the message, and the unique index refuses it too", async () => {
    const northAdmin = await admin("northside");
    const lakeAdmin = await admin("lakeside");
    await lakeAdmin.admin.settings.addSsoDomain({ domain: "lakeside.test" });
    await northAdmin.admin.settings.addSsoDomain({ domain: "lakeside.test" });
    // Even with a record naming both practices, the domain stays Lakeside's.
    dns.setTxt(name("lakeside.test"), [await recordOf("lakeside"), await recordOf("northside")]);
    await lakeAdmin.admin.settings.verifySsoDomain({ domain: "lakeside.test" });
    expect(await outcome(northAdmin.admin.settings.verifySsoDomain({ domain: "lakeside.test" }))).toEqual({
      code: "CONFLICT",
      message: "That domain is already verified by another practice.",
    });
    expect(await domainRow("northside", "lakeside.test")).toMatchObject({ verified_at: null });
    expect(await ssoForDomain(runtimeDb(), "lakeside.test")).toMatchObject({ org_slug: "lakeside" });
    // Past every function, as the owner: the partial unique index on lower(domain).
    const { orgs } = await demoIds();
    const direct = await pgError(
      ownerSql()`update org_sso_domains set verified_at = now(), verified_by = 'operator'
        where org_id = ${orgs.northside} and domain = 'lakeside.test'`,
    );
    expect(direct.code).toBe("23505");
    expect(direct.message).toContain("org_sso_domains_verified_key");
    dns.remove(name("lakeside.test"));
  });

  it("two practices verifying the same domain at once: exactly one wins", async () => {
    const northAdmin = await admin("northside");
    const lakeAdmin = await admin("lakeside");
    for (const caller of [northAdmin, lakeAdmin]) await caller.admin.settings.addSsoDomain({ domain: "shared.test" });
    dns.setTxt(name("shared.test"), [await recordOf("northside"), await recordOf("lakeside")]);
    const results = await Promise.all([
      trpcCode(northAdmin.admin.settings.verifySsoDomain({ domain: "shared.test" })),
      trpcCode(lakeAdmin.admin.settings.verifySsoDomain({ domain: "shared.test" })),
    ]);
    expect(results.sort()).toEqual(["CONFLICT", "OK"]);
    const [{ n }] =
      await ownerSql()`select count(*)::int as n from org_sso_domains where domain = 'shared.test' and verified_at is not null`;
    expect(n).toBe(1);
    dns.remove(name("shared.test"));
  });

  it("the race in the database: the second transaction waits for the first and then fails", async () => {
    const { users, orgs } = await demoIds();
    for (const [org] of [[orgs.northside], [orgs.lakeside]])
      await ownerSql()`insert into org_sso_domains (org_id, domain) values (${org}, 'race.test')`;
    const [north, lake] = [await recordOf("northside"), await recordOf("lakeside")];
    const keyA = await newSession(users.northAdmin, orgs.northside);
    const keyB = await newSession(users.lakeAdmin, orgs.lakeside);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let marked!: () => void;
    const aMarked = new Promise<void>((resolve) => (marked = resolve));
    const a = runtimeDb().transaction(async (tx) => {
      await enterContext(tx, { kind: "session", ...keyA });
      await tx.execute(sql`select app_sso_domain_verify('race.test', array[${north}]::text[])`);
      marked();
      await held;
    });
    await aMarked;
    const b = pgError(
      runtimeDb().transaction(async (tx) => {
        await enterContext(tx, { kind: "session", ...keyB });
        await tx.execute(sql`select app_sso_domain_verify('race.test', array[${lake}]::text[])`);
      }),
    );
    let bSettled = false;
    const settle = () => (bSettled = true);
    void b.then(settle, settle);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bSettled).toBe(false); // waiting on the unique index for A's outcome
    release();
    await a;
    expect((await b).code).toBe("CR009");
    expect(await domainRow("northside", "race.test")).toMatchObject({ verified_by: "dns" });
    expect(await domainRow("lakeside", "race.test")).toMatchObject({ verified_at: null });
  });

  it("public mail domains are refused when saved, by the table and by the functions; the two lists agree", async () => {
    const lakeAdmin = await admin("lakeside");
    for (const domain of ["gmail.com", "Outlook.com", "proton.me"])
      expect(await outcome(lakeAdmin.admin.settings.addSsoDomain({ domain }))).toEqual({
        code: "BAD_REQUEST",
        message: expect.stringContaining("public mail domain"),
      });
    const { orgs } = await demoIds();
    expect(
      (await pgError(ownerSql()`insert into org_sso_domains (org_id, domain) values (${orgs.lakeside}, 'gmail.com')`))
        .code,
    ).toBe("23514");
    expect(
      (await pgError(ownerSql()`select app_sso_domain_mark(${orgs.lakeside}, 'gmail.com', 'operator')`)).code,
    ).toBe("CR008");
    const lakeRecord = await recordOf("lakeside");
    const viaRuntime = await pgError(
      asUser("lakeAdmin", "lakeside", (tx) =>
        tx.execute(sql`select app_sso_domain_verify('gmail.com', array[${lakeRecord}]::text[])`),
      ),
    );
    expect(viaRuntime.code).toBe("CR008");
    const [fn] = await ownerSql()`select prosrc from pg_proc where proname = 'app_public_mail_domain'`;
    const inDatabase = [...String(fn.prosrc).matchAll(/'([a-z0-9.-]+)'/g)].map((m) => m[1]).sort();
    expect(inDatabase).toEqual([...PUBLIC_MAIL_DOMAINS].sort());
  });

  it("the runtime role cannot write verification, nor reach another practice's domains", async () => {
    const { orgs } = await demoIds();
    await ownerSql()`insert into org_sso_domains (org_id, domain) values (${orgs.lakeside}, 'lakeside.test')`;
    await ownerSql()`select app_sso_domain_mark(${orgs.northside}, 'northside.test', 'operator')`;
    const update = await pgError(
      asUser("lakeAdmin", "lakeside", (tx) =>
        tx.execute(
          sql`update org_sso_domains set verified_at = now(), verified_by = 'dns' where domain = 'lakeside.test'`,
        ),
      ),
    );
    expect(update).toMatchObject({ code: "42501", message: expect.stringContaining("permission denied") });
    const insert = await pgError(
      asUser("lakeAdmin", "lakeside", (tx) =>
        tx.execute(sql`insert into org_sso_domains (org_id, domain, verified_at, verified_by)
          values (${orgs.lakeside}, 'other.test', now(), 'operator')`),
      ),
    );
    expect(insert.code).toBe("42501");
    // Northside's rows do not exist for Lakeside's admin, nor for a Northside clinician.
    const seen = await asUser("lakeAdmin", "lakeside", async (tx) => {
      const rows = await tx.execute(sql`select domain from org_sso_domains order by domain`);
      const deleted = await tx.execute(
        sql`delete from org_sso_domains where domain = 'northside.test' returning domain`,
      );
      return { rows: rows.map((r) => r.domain), deleted: deleted.length };
    });
    expect(seen).toEqual({ rows: ["lakeside.test"], deleted: 0 });
    expect(await asUser("grey", "northside", (tx) => tx.execute(sql`select domain from org_sso_domains`))).toHaveLength(
      0,
    );
    const clinician = await pgError(
      asUser("grey", "northside", (tx) =>
        tx.execute(sql`select app_sso_domain_verify('northside.test', array['x']::text[])`),
      ),
    );
    expect(clinician.code).toBe("42501");
    const other = await pgError(
      asUser("lakeAdmin", "lakeside", (tx) =>
        tx.execute(sql`insert into org_sso_domains (org_id, domain) values (${orgs.northside}, 'mine.test')`),
      ),
    );
    expect(other.code).toBe("42501");
  });

  it("an admin removes a domain of their practice (audited); removing it again is NOT_FOUND", async () => {
    const lakeAdmin = await admin("lakeside");
    await lakeAdmin.admin.settings.addSsoDomain({ domain: "lakeside.test" });
    expect(await lakeAdmin.admin.settings.removeSsoDomain({ domain: "lakeside.test" })).toEqual({ removed: true });
    expect(await domainRow("lakeside", "lakeside.test")).toBeUndefined();
    const { users } = await demoIds();
    const [audit] = await ownerSql()`select detail from audit_events
      where actor_id = ${users.lakeAdmin} and action = 'settings.sso_domain_remove' order by id desc limit 1`;
    expect(audit.detail).toEqual({ domain: "lakeside.test" });
    expect(await trpcCode(lakeAdmin.admin.settings.removeSsoDomain({ domain: "lakeside.test" }))).toBe("NOT_FOUND");
  });

  describe("the operator command", () => {
    const run = (...args: string[]) =>
      promisify(execFile)(
        path.join(process.cwd(), "node_modules", ".bin", "tsx"),
        ["scripts/sso-verify-domain.ts", ...args],
        { env: { ...process.env, DATABASE_OWNER_URL: ownerUrl() } },
      ).then(
        ({ stdout, stderr }) => ({ code: 0, out: `${stdout}${stderr}`.trim() }),
        (err: { code: number; stdout: string; stderr: string }) => ({
          code: err.code,
          out: `${err.stdout}${err.stderr}`.trim(),
        }),
      );

    it("verifies a domain for a practice (by the operator), and refuses a taken one, a public one and an unknown practice", async () => {
      expect(await run("--practice", "lakeside", "--domain", "lakeside.test")).toEqual({
        code: 0,
        out: "✓ lakeside.test is verified by the operator for Lakeside Pediatrics (lakeside).",
      });
      expect(await domainRow("lakeside", "lakeside.test")).toMatchObject({ verified_by: "operator" });
      expect(await run("--practice", "northside", "--domain", "lakeside.test")).toEqual({
        code: 1,
        out: "✗ lakeside.test: That domain is already verified by another practice.",
      });
      expect(await domainRow("northside", "lakeside.test")).toBeUndefined();
      expect(await run("--practice", "northside", "--domain", "gmail.com")).toMatchObject({
        code: 1,
        out: expect.stringContaining("public mail domain"),
      });
      expect(await run("--practice", "nowhere", "--domain", "nowhere.test")).toEqual({
        code: 1,
        out: '✗ No practice has the slug "nowhere".',
      });
      expect((await run("--practice", "lakeside")).code).toBe(2);
    });
  });
});
