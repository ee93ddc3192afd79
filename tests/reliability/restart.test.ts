import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sessionCookie } from "@/tests/helpers/session-cookie";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { GET as trpcGet, POST as trpcPost } from "@/tests/helpers/trpc-http";
import { freePort, startCluster, type Cluster } from "@/server/db/embedded";
import { migrate } from "@/server/db/migrate";
import { seedDemo } from "@/server/db/seed/demo";
import { hashToken } from "@/server/auth/tokens";
import { APP_ERRORS } from "@/lib/app-errors";
import { handleFhir } from "@/server/fhir/http";
import { RETRY_AFTER_SECONDS } from "@/server/db/errors";

// A PostgreSQL of its own, stopped and restarted under a stream of requests. The app (route
// handlers and their pool, from getDb()) is never restarted.
const dir = mkdtempSync(path.join(os.tmpdir(), "careroster-restart-"));
let port: number;
let cluster: Cluster;
let owner: postgres.Sql;
let cookie: string;

async function list() {
  const url = `http://localhost/api/trpc/patients.list?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`;
  const res = await trpcGet(new Request(url, { headers: { cookie } }));
  return { status: res.status, text: await res.text(), retryAfter: res.headers.get("retry-after") };
}

async function createPatient(mrn: string) {
  const res = await trpcPost(
    new Request("http://localhost/api/trpc/patients.create", {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({
        json: { mrn, givenName: "Cut", familyName: "Off", birthDate: "1980-01-01", sex: "unknown" },
      }),
    }),
  );
  return { status: res.status, text: await res.text(), retryAfter: res.headers.get("retry-after") };
}

async function fhirSearch() {
  const res = await handleFhir(new Request("http://localhost/fhir/Patient", { headers: { cookie } }), ["Patient"]);
  return { status: res.status, text: await res.text(), retryAfter: res.headers.get("retry-after") };
}

/** A 503 SERVICE_UNAVAILABLE with a retry hint and the catalogued sentence, nothing of the database in it. */
function expectUnavailable(res: { status: number; text: string; retryAfter: string | null }, appCode: string) {
  expect(res.status).toBe(503);
  expect(res.retryAfter).toBe(String(RETRY_AFTER_SECONDS));
  const body = JSON.parse(res.text);
  expect(body.error.json.data.code).toBe("SERVICE_UNAVAILABLE");
  expect(body.error.json.data.appCode).toBe(appCode);
  expect(body.error.json.message).toBe(APP_ERRORS[appCode as keyof typeof APP_ERRORS].message);
  expect(res.text).not.toMatch(/stack|ECONNREFUSED|select |insert |patients"|at .*\.ts|57P01|25006/i);
}

/** Ends the app's runtime pool; the next request opens a new one (server/db/client.ts keeps it on globalThis). */
async function freshPool() {
  const global = globalThis as { careRosterDb?: { $client: postgres.Sql } };
  await global.careRosterDb?.$client.end({ timeout: 1 });
  global.careRosterDb = undefined;
}

const patientRows = async (mrn: string) => {
  const [counts] = await owner`select
    (select count(*)::int from patients where mrn = ${mrn}) as patients,
    (select count(*)::int from audit_events a join patients p on p.id = a.patient_id where p.mrn = ${mrn}) as audit`;
  return counts;
};

beforeAll(async () => {
  port = await freePort();
  cluster = await startCluster(dir, { persistent: true, port });
  const admin = postgres(cluster.ownerUrl("postgres"), { max: 1 });
  await admin`create database careroster`;
  await admin.end();
  await migrate(cluster.ownerUrl("careroster"), cluster.runtimeUrl("careroster"), cluster.authUrl("careroster"));
  await seedDemo(cluster.ownerUrl("careroster"));
  process.env.DATABASE_URL = cluster.runtimeUrl("careroster"); // what getDb() will use in this file
  process.env.DATABASE_AUTH_URL = cluster.authUrl("careroster");
  owner = postgres(cluster.ownerUrl("careroster"), { max: 1, onnotice: () => {} });
  const [grey] =
    await owner`select u.id, m.org_id from users u join memberships m on m.user_id = u.id where u.email = 'grey@northside.test'`;
  const secret = randomBytes(32).toString("base64url");
  const [session] = await owner`insert into sessions (user_id, org_id, methods, user_agent, token_hash)
    values (${grey.id}, ${grey.org_id}, '{password}', 'vitest', ${hashToken(secret)}) returning id`;
  cookie = await sessionCookie({ sub: grey.id, sid: session.id, sst: secret, orgId: grey.org_id });
}, 120_000);

afterAll(async () => {
  await owner?.end({ timeout: 1 });
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("database restarts", () => {
  it("while the database is down: 503 from health and from tRPC (SERVICE_UNAVAILABLE, Retry-After); then it recovers by itself (the FHIR API too)", async () => {
    expect((await health()).status).toBe(200);
    expect((await list()).status).toBe(200);

    await owner.end({ timeout: 1 });
    await cluster.stop();
    const down = await health();
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: "unavailable" });
    expectUnavailable(await list(), "DATABASE_UNAVAILABLE");
    expectUnavailable(await createPatient("T-DOWN-1"), "DATABASE_UNAVAILABLE");
    const fhir = await fhirSearch();
    expect(fhir.status).toBe(503);
    expect(fhir.retryAfter).toBe(String(RETRY_AFTER_SECONDS));
    expect(JSON.parse(fhir.text)).toMatchObject({
      resourceType: "OperationOutcome",
      issue: [{ code: "transient", diagnostics: APP_ERRORS.DATABASE_UNAVAILABLE.message }],
    });

    cluster = await startCluster(dir, { persistent: true, port });
    owner = postgres(cluster.ownerUrl("careroster"), { max: 1, onnotice: () => {} });
    let recovered = false;
    for (let i = 0; i < 50 && !recovered; i++) {
      recovered = (await list()).status === 200;
      if (!recovered) await new Promise((r) => setTimeout(r, 200));
    }
    expect(recovered).toBe(true);
    expect((await health()).status).toBe(200);
    expect((await fhirSearch()).status).toBe(200);
    expect(await patientRows("T-DOWN-1")).toEqual({ patients: 0, audit: 0 });
  }, 120_000);

  it("a patient create cut off mid-transaction leaves no patient, care-team or audit row", async () => {
    // Hold the create's transaction open at its audit insert, then cancel it from outside (what a
    // statement timeout or an operator does). Terminating the backend instead trips a postgres.js
    // bug (porsager/postgres#1208) that server/db/driver-guard.ts contains in the app process.
    await owner.unsafe(`
      create function test_hold_create() returns trigger language plpgsql as $$
      begin if new.action = 'patient.create' then perform pg_sleep(5); end if; return new; end $$;
      create trigger test_hold_create before insert on audit_events for each row execute function test_hold_create();`);
    const pending = trpcPost(
      new Request("http://localhost/api/trpc/patients.create", {
        method: "POST",
        headers: { "content-type": "application/json", cookie },
        body: JSON.stringify({
          json: { mrn: "T-CUT-1", givenName: "Cut", familyName: "Off", birthDate: "1980-01-01", sex: "unknown" },
        }),
      }),
    );
    let killed = 0;
    for (let i = 0; i < 50 && killed === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const rows =
        await owner`select pg_cancel_backend(pid) from pg_stat_activity where wait_event = 'PgSleep' and usename = 'careroster_app'`;
      killed = rows.length;
    }
    expect(killed).toBe(1);
    const res = await pending;
    expect(res.status).toBe(500);
    await owner.unsafe("drop trigger test_hold_create on audit_events; drop function test_hold_create();");
    const [counts] = await owner`select
      (select count(*)::int from patients where mrn = 'T-CUT-1') as patients,
      (select count(*)::int from care_team ct join patients p on p.id = ct.patient_id where p.mrn = 'T-CUT-1') as care_team,
      (select count(*)::int from audit_events where action = 'patient.create') as audit`;
    expect(counts).toEqual({ patients: 0, care_team: 0, audit: 0 });
    expect((await list()).status).toBe(200); // the connection is usable again
  }, 60_000);

  it("a read-only server (a demoted leader, a standby): every signed-in request is 503 DATABASE_READ_ONLY and leaves nothing", async () => {
    // What Patroni does to a leader that lost etcd: the server stays up but takes no writes. The
    // app's pool is replaced, as after a failover every connection is new (and picks the setting up).
    await owner`alter role careroster_app set default_transaction_read_only = on`;
    await freshPool();
    try {
      // The session check locks its row (the activity stamp), so reads are refused as well as writes.
      expectUnavailable(await list(), "DATABASE_READ_ONLY");
      expectUnavailable(await createPatient("T-RO-1"), "DATABASE_READ_ONLY");
      expect(await patientRows("T-RO-1")).toEqual({ patients: 0, audit: 0 });
    } finally {
      await owner`alter role careroster_app reset default_transaction_read_only`;
      await freshPool();
    }
    const write = await createPatient("T-RO-2");
    expect(write.status).toBe(200);
    expect(await patientRows("T-RO-2")).toEqual({ patients: 1, audit: 1 });
  }, 60_000);

  it("a request past its deadline (DATABASE_REQUEST_DEADLINE_MS) answers 503 at once and its transaction rolls back instead of committing", async () => {
    const locker = postgres(cluster.ownerUrl("careroster"), { max: 1, onnotice: () => {} });
    process.env.DATABASE_REQUEST_DEADLINE_MS = "1500";
    try {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const lock = locker.begin(async (tx) => {
        await tx`lock table patients in access exclusive mode`;
        await held;
      });
      await new Promise((r) => setTimeout(r, 200));
      const started = Date.now();
      const answer = await createPatient("T-DL-1");
      expect(Date.now() - started).toBeLessThan(5000);
      expectUnavailable(answer, "DATABASE_UNAVAILABLE");
      // The insert goes on once the lock is released, but the transaction no longer commits.
      release();
      await lock;
      await new Promise((r) => setTimeout(r, 500));
      expect(await patientRows("T-DL-1")).toEqual({ patients: 0, audit: 0 });
    } finally {
      delete process.env.DATABASE_REQUEST_DEADLINE_MS;
      await locker.end({ timeout: 1 });
    }
    expect((await list()).status).toBe(200);
  }, 60_000);
});

describe("driver guard", () => {
  it("recognises only the postgres.js closed-socket write error", async () => {
    const { isDriverNullSocketError } = await import("@/server/db/driver-guard");
    const driver = new TypeError("Cannot read properties of null (reading 'write')");
    driver.stack = `TypeError: Cannot read properties of null (reading 'write')\n    at Immediate.nextWrite (/app/node_modules/postgres/src/connection.js:255:22)`;
    const other = new TypeError("Cannot read properties of null (reading 'write')");
    other.stack =
      "TypeError: Cannot read properties of null (reading 'write')\n    at handler (/app/server/something.ts:1:1)";
    expect(isDriverNullSocketError(driver)).toBe(true);
    expect(isDriverNullSocketError(other)).toBe(false);
    expect(isDriverNullSocketError(new Error("boom"))).toBe(false);
  });
});
