import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  asPostgres,
  clusterState,
  daemonPid,
  leaderName,
  patronictl,
  postgresDir,
  postmasterPid,
  secrets,
  sleep,
  stopDaemon,
  urls,
  waitFor,
  type Secrets,
} from "@/ha/cluster";
import { DIRS, HOST, MEMBERS, PG_BIN, PORTS } from "@/ha/topology";
import { up } from "@/ha/up";
import { lostWrites, RUN, runLoad, signInUser, summarise, type LoadUser, type Outcome } from "./load";

// The fault tests: each scenario runs the mixed, audited load through HAProxy and both app
// instances while something fails, then checks the database. Figures go to tests/ha/results.json.

interface ScenarioResult {
  failoverSeconds: number | null;
  failedRequests: number;
  lostAcknowledgedWrites: number;
  requests: number;
  [extra: string]: unknown;
}
const results: Record<string, ScenarioResult | Record<string, unknown>> = {};
let s: Secrets;
let users: LoadUser[];

/** A fresh connection as the superuser on the current leader (HAProxy's write port). */
async function onLeader<T>(fn: (sql: postgres.Sql) => Promise<T>, port: number = PORTS.haproxyWrite): Promise<T> {
  const sql = postgres(urls(s).ownerOn(port), { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** The pids whose parent is `pid` (from /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return Number(readFileSync(`/proc/${d}/stat`, "utf8").split(") ")[1].split(" ")[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * A member's machine dies: its Patroni, its postmaster and every backend are SIGKILLed at once
 * (a postmaster killed alone leaves its backends serving their connections for a while).
 */
async function crashMember(name: string) {
  const pm = postmasterPid(name);
  const victims = pm ? [pm, ...childrenOf(pm)] : [];
  const patroni = daemonPid(`patroni-${name}`);
  for (const pid of [...(patroni ? [patroni] : []), ...victims]) process.kill(pid, "SIGKILL");
  await stopDaemon(`patroni-${name}`, 0, "SIGKILL");
}

/** Load runs from `start` until `done(elapsed since the fault)` says stop; `fault` runs `faultAfterMs` in. */
async function underLoad(
  fault: () => Promise<void>,
  done: (sinceFault: number, o: Outcome[]) => boolean,
  faultAfterMs = 3000,
) {
  let faultAt = Infinity;
  const outcomes: Outcome[] = [];
  const load = runLoad(users, () => done(Date.now() - faultAt, outcomes), outcomes);
  await sleep(faultAfterMs);
  faultAt = Date.now();
  await fault();
  await load;
  return { outcomes, faultAt };
}

/** The distinct unclean answers, shortened (a failing scenario can have thousands). */
const uncleanAnswers = (summary: ReturnType<typeof summarise>) => [
  ...new Set(summary.unclean.map((o) => `${o.op} ${o.status} ${o.code} ${o.text.slice(0, 120)}`)),
];

const isWrite = (o: Outcome) => o.op !== "list";
/** Seconds from the fault to the end of the first successful write that started after it. */
const firstWriteAfter = (outcomes: Outcome[], at: number) => {
  const ok = outcomes.filter((o) => isWrite(o) && o.status === 200 && o.startedAt >= at).map((o) => o.endedAt);
  return ok.length ? (Math.min(...ok) - at) / 1000 : null;
};

/** The load's own check, in common for every scenario: no leaked rows, nothing lost, nothing half-written. */
async function checkWrites(outcomes: Outcome[]) {
  const summary = summarise(outcomes);
  expect(summary.foreignRows).toBe(0);
  const { lost, halfWritten, checked } = await onLeader((sql) => lostWrites(sql, outcomes));
  expect(checked).toBe(summary.acknowledgedWrites);
  expect(lost).toBe(0);
  expect(halfWritten).toBe(0);
  return { summary, lost };
}

beforeAll(async () => {
  await up();
  s = await secrets();
  const owner = postgres(urls(s).owner, { max: 1, onnotice: () => {} });
  try {
    users = [];
    for (const email of ["grey@northside.test", "shepherd@northside.test", "house@lakeside.test"])
      users.push(await signInUser(email, owner));
  } finally {
    await owner.end({ timeout: 1 });
  }
});

// Each scenario starts from the whole topology: what the previous one broke is started again.
beforeEach(() => up());

afterAll(async () => {
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(
    RESULTS,
    JSON.stringify({ run: RUN, at: new Date().toISOString(), scenarios: results }, null, 2) + "\n",
  );
});

const RESULTS = path.join(process.cwd(), "tests", "ha", "results.json");

describe.sequential("HA faults", () => {
  it("primary crash under load: a replica takes over, every acknowledged write and its audit row survive, errors are 503 with Retry-After", async () => {
    const old = await leaderName();
    expect(old).not.toBeNull();
    const { outcomes, faultAt } = await underLoad(
      () => crashMember(old!),
      (since, o) => since > 120_000 || (since > 0 && firstWriteAfter(o, Date.now() - since) !== null && since > 35_000),
    );
    const summary = summarise(outcomes);
    expect(uncleanAnswers(summary)).toEqual([]);
    const { lost } = await checkWrites(outcomes);
    const newLeader = await leaderName();
    expect(newLeader).not.toBe(old);
    const failoverSeconds = firstWriteAfter(outcomes, faultAt);
    expect(failoverSeconds).not.toBeNull();
    results.primaryCrash = {
      failoverSeconds,
      failedRequests: summary.failedRequests,
      lostAcknowledgedWrites: lost,
      requests: summary.requests,
      acknowledgedWrites: summary.acknowledgedWrites,
      oldLeader: old,
      newLeader,
    };
  });

  it("stale context: after the failover no transaction through PgBouncer or on the new leader starts with an earlier one's app.user_id/app.org_id", async () => {
    for (const url of [urls(s).runtime, urls(s).runtimeOn(PORTS.haproxyWrite)]) {
      const sql = postgres(url, { max: 4, prepare: false, onnotice: () => {} });
      try {
        const leftovers = await Promise.all(
          Array.from({ length: 200 }, (_, i) =>
            sql.begin(async (tx) => {
              const [before] = await tx<{ u: string | null; o: string | null }[]>`
                select current_setting('app.user_id', true) as u, current_setting('app.org_id', true) as o`;
              await tx`select set_config('app.user_id', ${`00000000-0000-0000-0000-${String(i).padStart(12, "0")}`}, true),
                              set_config('app.org_id', ${`00000000-0000-0000-0000-${String(i).padStart(12, "0")}`}, true)`;
              return (before.u ?? "") + (before.o ?? "");
            }),
          ),
        );
        expect(leftovers.filter((v) => v !== "")).toEqual([]);
      } finally {
        await sql.end({ timeout: 1 });
      }
    }
  });

  it("planned switchover (patronictl): requests during it are counted, none unclean, nothing lost", async () => {
    const members = await clusterState();
    const old = members.find((m) => m.role === "leader")!.name;
    const candidate = members.find((m) => m.role === "sync_standby")!.name;
    let switchedAt = Infinity;
    const { outcomes, faultAt } = await underLoad(
      async () => {
        patronictl(["switchover", "--leader", old, "--candidate", candidate, "--force"]);
        switchedAt = Date.now();
      },
      (since) => since > 90_000 || Date.now() - switchedAt > 15_000,
    );
    const summary = summarise(outcomes);
    expect(uncleanAnswers(summary)).toEqual([]);
    const { lost } = await checkWrites(outcomes);
    expect(await leaderName()).toBe(candidate);
    results.switchover = {
      failoverSeconds: firstWriteAfter(outcomes, faultAt),
      failedRequests: summary.failedRequests,
      lostAcknowledgedWrites: lost,
      requests: summary.requests,
      from: old,
      to: candidate,
    };
  });

  it("replica loss: with the synchronous standby gone, writes continue (synchronous_mode_strict is off) on the other replica's acknowledgement", async () => {
    const sync = (await clusterState()).find((m) => m.role === "sync_standby")!.name;
    const { outcomes, faultAt } = await underLoad(
      () => crashMember(sync),
      (since) => since > 25_000,
    );
    const summary = summarise(outcomes);
    expect(uncleanAnswers(summary)).toEqual([]);
    const { lost } = await checkWrites(outcomes);
    // Writes go on: the last ten seconds of the load are all answered.
    const late = outcomes.filter((o) => o.startedAt > faultAt + 15_000);
    expect(late.length).toBeGreaterThan(0);
    expect(late.filter((o) => o.status !== 200)).toEqual([]);
    const newSync = (await clusterState()).find((m) => m.role === "sync_standby")?.name;
    expect(newSync).toBeDefined();
    expect(newSync).not.toBe(sync);
    const writeLatencies = outcomes
      .filter((o) => isWrite(o) && o.startedAt >= faultAt)
      .map((o) => o.endedAt - o.startedAt);
    results.replicaLoss = {
      failoverSeconds: null,
      failedRequests: summary.failedRequests,
      lostAcknowledgedWrites: lost,
      requests: summary.requests,
      lostReplica: sync,
      newSynchronousStandby: newSync,
      longestWriteSeconds: Math.max(...writeLatencies) / 1000,
    };
  });

  it("app instance loss: the other instance serves, the sessions stay valid", async () => {
    const victim = daemonPid("app0");
    expect(victim).not.toBeNull();
    const { outcomes, faultAt } = await underLoad(
      () => stopDaemon("app0", 0, "SIGKILL").then(() => undefined),
      (since) => since > 15_000,
    );
    const summary = summarise(outcomes);
    // Only requests in flight on the killed instance may fail (HAProxy answers them 502); no session is lost.
    expect(outcomes.filter((o) => o.status === 401)).toEqual([]);
    // After HAProxy has marked the instance down, every answer comes from the other one: a 200, or a
    // clean 503 when the database itself was slow to answer (the request deadline).
    const late = outcomes.filter((o) => o.startedAt > faultAt + 3000);
    expect(late.filter((o) => o.status === 200).length).toBeGreaterThan(0);
    expect(uncleanAnswers(summarise(late))).toEqual([]);
    const { lost } = await checkWrites(outcomes);
    results.appInstanceLoss = {
      failoverSeconds: null,
      failedRequests: summary.failedRequests,
      lostAcknowledgedWrites: lost,
      requests: summary.requests,
      failedStatuses: [...new Set(summary.unclean.map((o) => o.status))],
    };
  });

  it("etcd loss: Patroni demotes the leader after its TTL; the app answers 503 with a retry hint, then recovers with etcd", async () => {
    let etcdBackAt = Infinity;
    let recoveredAt = Infinity;
    let demotedAt = Infinity;
    const { outcomes, faultAt } = await underLoad(
      async () => {
        await stopDaemon("etcd", 0, "SIGKILL");
        // The leader steps down once it cannot renew its key: no member answers /primary.
        await waitFor(
          "the leader to step down",
          async () => {
            const primaries = await Promise.all(
              MEMBERS.map((m) =>
                fetch(`http://${HOST}:${m.restPort}/primary`, { signal: AbortSignal.timeout(2000) })
                  .then((r) => r.status === 200)
                  .catch(() => false),
              ),
            );
            return !primaries.some(Boolean);
          },
          120_000,
        );
        demotedAt = Date.now();
        // Long enough for requests queued in PgBouncer (query_wait_timeout 20 s) to be answered.
        await sleep(25_000);
        etcdBackAt = Date.now();
        await up();
        recoveredAt = Date.now();
      },
      (since) => since > 240_000 || Date.now() - recoveredAt > 5000,
    );
    const summary = summarise(outcomes);
    expect(uncleanAnswers(summary)).toEqual([]);
    const duringOutage = outcomes.filter((o) => o.endedAt > demotedAt + 2000 && o.endedAt < etcdBackAt);
    expect(duringOutage.length).toBeGreaterThan(0);
    expect(duringOutage.every((o) => o.status === 503 && o.code === "SERVICE_UNAVAILABLE")).toBe(true);
    const { lost } = await checkWrites(outcomes);
    results.etcdLoss = {
      failoverSeconds: firstWriteAfter(outcomes, etcdBackAt),
      failedRequests: summary.failedRequests,
      lostAcknowledgedWrites: lost,
      requests: summary.requests,
      leaderSteppedDownAfterSeconds: (demotedAt - faultAt) / 1000,
    };
  });

  it("reads on a hot standby: RLS and the context work in a read-only transaction; a forged set_config sees nothing; replica lag on read-after-write", async () => {
    const grey = users[0];
    const [ids] = await onLeader(
      (sql) => sql<{ user_id: string; org_id: string; session_id: string }[]>`
        select u.id as user_id, se.org_id, se.id as session_id from users u join sessions se on se.user_id = u.id
        where u.email = ${grey.email} and se.revoked_at is null order by se.created_at desc limit 1`,
    );
    const replicas = (await clusterState()).filter((m) => m.role !== "leader");
    expect(replicas.length).toBe(2);
    const asClinician = (sql: postgres.Sql) =>
      sql.begin("read only", async (tx) => {
        await tx`select public.app_context_set(${ids.user_id}::uuid, ${ids.org_id}::uuid, ${ids.session_id}::uuid, 'session')`;
        await tx`set local role careroster_clinician`;
        const rows = await tx<{ id: string; org_id: string }[]>`select id, org_id from patients`;
        const [{ ro }] = await tx<{ ro: string }[]>`select current_setting('transaction_read_only') as ro`;
        return { rows, ro };
      });
    const onPrimary = await onLeader(asClinician);
    for (const r of replicas) {
      const onStandby = await onLeader(async (sql) => {
        const [{ standby }] = await sql<{ standby: boolean }[]>`select pg_is_in_recovery() as standby`;
        expect(standby).toBe(true);
        return asClinician(sql);
      }, r.port);
      expect(onStandby.ro).toBe("on");
      expect(onStandby.rows.map((p) => p.id).sort()).toEqual(onPrimary.rows.map((p) => p.id).sort());
      expect(new Set(onStandby.rows.map((p) => p.org_id))).toEqual(new Set([ids.org_id]));
      // The runtime login cannot forge a context with set_config alone: the policies answer nothing.
      const forged = postgres(urls(s).runtimeOn(r.port), { max: 1, onnotice: () => {} });
      try {
        const n = await forged.begin("read only", async (tx) => {
          await tx`select set_config('app.user_id', ${ids.user_id}, true), set_config('app.org_id', ${ids.org_id}, true)`;
          const [{ n }] = await tx<{ n: number }[]>`select count(*)::int as n from patients`;
          return n;
        });
        expect(n).toBe(0);
      } finally {
        await forged.end({ timeout: 1 });
      }
    }
    expect(onPrimary.rows.length).toBeGreaterThan(0);

    // Read-after-write: a note acknowledged by the app, polled for on each replica until it shows.
    const lag: Record<string, number[]> = {};
    for (const r of replicas) {
      const sql = postgres(urls(s).ownerOn(r.port), { max: 1, onnotice: () => {} });
      lag[`${r.name} (${r.role})`] = [];
      try {
        for (let i = 0; i < 10; i++) {
          const res = await fetch(`http://${HOST}:${PORTS.haproxyApp}/api/trpc/notes.create`, {
            method: "POST",
            headers: { "content-type": "application/json", cookie: grey.cookie },
            body: JSON.stringify({ json: { patientId: grey.patientId, body: `${RUN} lag ${i}` } }),
          });
          const acked = Date.now();
          expect(res.status).toBe(200);
          const id = ((await res.json()) as { result: { data: { json: { id: string } } } }).result.data.json.id;
          let seen = false;
          let first = true;
          const giveUp = Date.now() + 10_000;
          while (!seen && Date.now() < giveUp) {
            seen = (await sql`select 1 from clinical_notes where id = ${id}`).length > 0;
            if (!seen) await sleep(first ? 1 : 5);
            first = false;
          }
          expect(seen).toBe(true);
          lag[`${r.name} (${r.role})`].push(Date.now() - acked);
        }
      } finally {
        await sql.end({ timeout: 1 });
      }
    }
    results.replicaReads = {
      standbyRlsRows: onPrimary.rows.length,
      readAfterWriteMs: Object.fromEntries(
        Object.entries(lag).map(([k, v]) => [k, { max: Math.max(...v), median: v.sort((a, b) => a - b)[5] }]),
      ),
    };
  });

  it("backup and point-in-time recovery: a pg_basebackup plus the WAL archive restores every write acknowledged before the target time, with its audit row", async () => {
    const leader = (await clusterState()).find((m) => m.role === "leader")!;
    const backup = path.join(DIRS.root, "pitr-backup");
    const restore = path.join(DIRS.root, "pitr-restore");
    rmSync(backup, { recursive: true, force: true });
    rmSync(restore, { recursive: true, force: true });
    postgresDir(backup);
    execFileSync(
      `${PG_BIN}/pg_basebackup`,
      ["-h", HOST, "-p", String(leader.port), "-U", "replicator", "-D", backup, "-X", "stream", "-c", "fast"],
      { ...asPostgres(), env: { ...process.env, PGPASSWORD: s.replication }, stdio: "inherit" },
    );
    let target = 0;
    const { outcomes } = await underLoad(
      async () => {
        await sleep(4000);
        target = Date.now();
      },
      (since) => since > 8000,
    );
    const afterTarget = outcomes.filter((o) => o.ackId && o.startedAt > target + 500);
    expect(afterTarget.length).toBeGreaterThan(0);
    // The segment holding the target must reach the archive.
    const [{ wal }] = await onLeader((sql) => sql<{ wal: string }[]>`select pg_walfile_name(pg_switch_wal()) as wal`);
    await waitFor("the WAL segment in the archive", async () => {
      const [{ last }] = await onLeader(
        (sql) => sql<{ last: string | null }[]>`select last_archived_wal as last from pg_stat_archiver`,
      );
      return (last ?? "") >= wal;
    });

    execFileSync("cp", ["-a", backup, restore]);
    const conf = [
      `port = ${PORTS.pitrRestore}`,
      `listen_addresses = '${HOST}'`,
      `unix_socket_directories = '${restore}'`,
      "archive_mode = off",
      "synchronous_standby_names = ''",
      "primary_conninfo = ''",
      "hot_standby = on",
      `restore_command = 'cp ${DIRS.archive}/%f %p'`,
      `recovery_target_time = '${new Date(target).toISOString().replace("T", " ").replace("Z", "+00")}'`,
      "recovery_target_action = 'pause'",
    ];
    appendFileSync(path.join(restore, "postgresql.auto.conf"), conf.join("\n") + "\n");
    writeFileSync(path.join(restore, "recovery.signal"), "");
    rmSync(path.join(restore, "standby.signal"), { force: true });
    execFileSync("chown", ["-R", "postgres:postgres", restore]);
    execFileSync(
      `${PG_BIN}/pg_ctl`,
      ["start", "-w", "-t", "120", "-D", restore, "-l", path.join(DIRS.logs, "pitr-restore.log")],
      {
        ...asPostgres(),
        stdio: "inherit",
      },
    );
    try {
      await waitFor(
        "recovery to reach the target",
        () =>
          onLeader(
            async (sql) => (await sql`select pg_get_wal_replay_pause_state() as s`)[0].s === "paused",
            PORTS.pitrRestore,
          ),
        120_000,
      );
      const before = await onLeader((sql) => lostWrites(sql, outcomes, target), PORTS.pitrRestore);
      expect(before.checked).toBeGreaterThan(0);
      expect(before.lost).toBe(0);
      expect(before.halfWritten).toBe(0);
      const [{ later }] = await onLeader(
        (sql) =>
          sql<
            { later: number }[]
          >`select count(*)::int as later from clinical_notes where id = any(${afterTarget.filter((o) => o.op === "note").map((o) => o.ackId!)}::uuid[])`,
        PORTS.pitrRestore,
      );
      expect(later).toBe(0);
      results.pointInTimeRecovery = {
        failoverSeconds: null,
        failedRequests: summarise(outcomes).failedRequests,
        lostAcknowledgedWrites: before.lost,
        requests: outcomes.length,
        acknowledgedBeforeTarget: before.checked,
      };
    } finally {
      execFileSync(`${PG_BIN}/pg_ctl`, ["stop", "-m", "immediate", "-D", restore], {
        ...asPostgres(),
        stdio: "ignore",
      });
      rmSync(restore, { recursive: true, force: true });
      rmSync(backup, { recursive: true, force: true });
    }
  });
});
