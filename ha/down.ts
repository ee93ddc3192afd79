import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { asPostgres, postmasterPid, step, stopDaemon } from "./cluster";
import { MEMBERS, PG_BIN, PORTS, DIRS } from "./topology";

/** `npm run ha:down`: stops what `ha:up` started, in reverse order; stopping what is not running is a no-op. */
export async function down() {
  for (let i = 0; i < PORTS.app.length; i++) if (await stopDaemon(`app${i}`, 10_000)) step(`stopped app instance ${i}`);
  if (await stopDaemon("pgbouncer")) step("stopped PgBouncer");
  if (await stopDaemon("haproxy")) step("stopped HAProxy");
  for (const m of MEMBERS) {
    if (await stopDaemon(`patroni-${m.name}`, 60_000)) step(`stopped Patroni ${m.name}`);
    // A Patroni that was killed leaves its PostgreSQL running.
    if (postmasterPid(m.name)) {
      execFileSync(`${PG_BIN}/pg_ctl`, ["stop", "-m", "fast", "-D", path.join(DIRS.members, m.name, "data")], {
        ...asPostgres(),
        stdio: "ignore",
      });
      step(`stopped PostgreSQL of ${m.name}`);
    }
  }
  if (await stopDaemon("etcd")) step("stopped etcd");
  const restore = path.join(DIRS.root, "pitr-restore");
  if (existsSync(path.join(restore, "postmaster.pid"))) {
    execFileSync(`${PG_BIN}/pg_ctl`, ["stop", "-m", "immediate", "-D", restore], { ...asPostgres(), stdio: "ignore" });
    step("stopped the point-in-time restore server");
  }
  step(
    existsSync(DIRS.root) ? `everything stopped (data kept in ${DIRS.root}; --purge removes it)` : "nothing to stop",
  );
}
