import path from "node:path";

/**
 * The local HA topology's one source of ports and paths: `npm run ha:up`/`ha:down`, the HAProxy,
 * PgBouncer and Patroni configurations generated from it, and the fault tests all read it.
 * Every port is on 127.0.0.1 in 7400–7499.
 */
export const HOST = "127.0.0.1";

export const PORTS = {
  etcdClient: 7400,
  etcdPeer: 7401,
  /** Patroni REST API of member i is patroni[i]; its PostgreSQL listens on postgres[i]. */
  patroni: [7410, 7411, 7412],
  postgres: [7420, 7421, 7422],
  /** HAProxy: PostgreSQL leader (writes), replicas (reads), stats page, the app instances. */
  haproxyWrite: 7430,
  haproxyRead: 7431,
  haproxyStats: 7432,
  haproxyApp: 7433,
  /** PgBouncer (transaction mode) in front of the write port. */
  pgbouncer: 7440,
  app: [7450, 7451],
  /** The point-in-time restore the fault tests start from a base backup. */
  pitrRestore: 7460,
} as const;

export const MEMBERS = PORTS.postgres.map((pgPort, i) => ({
  name: `pg${i}`,
  pgPort,
  restPort: PORTS.patroni[i],
}));

export const SCOPE = "careroster";
export const DATABASE = "careroster";
export const PG_BIN = "/usr/lib/postgresql/15/bin";

/** Everything the topology writes lives here. */
export const ROOT = path.join(process.cwd(), ".data", "ha");
export const DIRS = {
  root: ROOT,
  etcd: path.join(ROOT, "etcd"),
  members: path.join(ROOT, "members"),
  archive: path.join(ROOT, "wal-archive"),
  run: path.join(ROOT, "run"),
  logs: path.join(ROOT, "logs"),
  secrets: path.join(ROOT, "secrets"),
  app: path.join(ROOT, "app"),
};

export const memberDir = (name: string) => path.join(DIRS.members, name);
export const memberConfig = (name: string) => path.join(DIRS.run, `patroni-${name}.yml`);
export const PATRONICTL_CONFIG = memberConfig("pg0");

export const APP_URL = `http://${HOST}:${PORTS.haproxyApp}`;
export const appInstanceUrl = (i: number) => `http://${HOST}:${PORTS.app[i]}`;
export const restUrl = (i: number) => `http://${HOST}:${PORTS.patroni[i]}`;

/** The logins the topology creates: PostgreSQL superuser, replication, and the app's two. */
export const LOGINS = {
  superuser: "postgres",
  replication: "replicator",
  rewind: "rewinder",
  runtime: "careroster_app",
  auth: "careroster_signin",
} as const;

/** An app instance's own data directory (CAREROSTER_DATA_DIR: mail files), by its port. */
export const appDataDir = (port: number) => path.join(DIRS.app, String(port));
