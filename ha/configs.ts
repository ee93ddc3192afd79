import path from "node:path";
import type { Secrets } from "./cluster";
import { DIRS, HOST, LOGINS, MEMBERS, PG_BIN, PORTS, SCOPE, memberDir } from "./topology";

/** Patroni's timing (its defaults): the leader key lives `ttl` s; each member's loop runs every `loop_wait` s. */
export const PATRONI_TIMING = { ttl: 30, loop_wait: 10, retry_timeout: 10 };

export function etcdArgs(): string[] {
  const peer = `http://${HOST}:${PORTS.etcdPeer}`;
  const client = `http://${HOST}:${PORTS.etcdClient}`;
  return [
    "--name=ha-etcd",
    `--data-dir=${DIRS.etcd}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=ha-etcd=${peer}`,
    "--initial-cluster-state=new",
  ];
}

/**
 * One member's Patroni configuration (YAML is a superset of JSON, so it is written as JSON).
 * `synchronous_mode: true`: a COMMIT returns once the synchronous standby has the WAL, and Patroni
 * promotes only that standby, so no acknowledged write is lost in a failover.
 * `synchronous_mode_strict: false`: with both replicas gone the leader keeps taking writes alone
 * (availability first; the WAL archive covers the leader's disk) instead of making every COMMIT
 * wait until a replica returns.
 */
export function patroniConfig(i: number, s: Secrets) {
  const m = MEMBERS[i];
  const dir = memberDir(m.name);
  return {
    scope: SCOPE,
    namespace: "/service/",
    name: m.name,
    log: { level: "INFO" },
    restapi: { listen: `${HOST}:${m.restPort}`, connect_address: `${HOST}:${m.restPort}` },
    etcd3: { hosts: [`${HOST}:${PORTS.etcdClient}`] },
    bootstrap: {
      dcs: {
        ...PATRONI_TIMING,
        maximum_lag_on_failover: 1048576,
        synchronous_mode: true,
        synchronous_mode_strict: false,
        postgresql: {
          use_pg_rewind: true,
          use_slots: true,
          parameters: {
            wal_level: "replica",
            hot_standby: "on",
            wal_log_hints: "on",
            max_wal_senders: 10,
            max_replication_slots: 10,
            max_connections: 100,
            wal_keep_size: "256MB",
            archive_mode: "on",
            archive_command: `test ! -f ${DIRS.archive}/%f && cp %p ${DIRS.archive}/%f`,
            // A standby's long report query is not cancelled by the primary's vacuum.
            hot_standby_feedback: "on",
          },
        },
      },
      initdb: [{ encoding: "UTF8" }, { locale: "C.UTF-8" }, "data-checksums"],
    },
    postgresql: {
      listen: `${HOST}:${m.pgPort}`,
      connect_address: `${HOST}:${m.pgPort}`,
      data_dir: path.join(dir, "data"),
      bin_dir: PG_BIN,
      pgpass: path.join(dir, "pgpass"),
      authentication: {
        superuser: { username: LOGINS.superuser, password: s.superuser },
        replication: { username: LOGINS.replication, password: s.replication },
      },
      parameters: {
        unix_socket_directories: dir,
        shared_buffers: "64MB",
      },
      pg_hba: [
        `local all all trust`,
        `host replication ${LOGINS.replication} ${HOST}/32 scram-sha-256`,
        `host all all ${HOST}/32 scram-sha-256`,
      ],
    },
    tags: { nofailover: false, noloadbalance: false, clonefrom: false, nosync: false },
  };
}

/**
 * HAProxy: the write port goes to whichever member answers 200 on Patroni's `GET /primary`, the
 * read port to those answering `GET /replica`; a member marked down has its sessions cut, so
 * pools reconnect to the new leader instead of waiting on a dead one. The app port spreads
 * requests over the two app instances (a TCP check: an instance whose database is briefly away
 * still answers, with 503 and a retry hint).
 */
export function haproxyConfig(): string {
  const pgServers = (check: string) =>
    MEMBERS.map((m) => `  server ${m.name} ${HOST}:${m.pgPort} check port ${m.restPort}`)
      .join("\n")
      .concat(`\n  option httpchk GET ${check}\n  http-check expect status 200`);
  return `global
  maxconn 2000
  log stderr format short local0 notice

defaults
  log global
  mode tcp
  retries 3
  timeout connect 3s
  timeout client 30m
  timeout server 30m
  timeout check 2s

listen postgres_write
  bind ${HOST}:${PORTS.haproxyWrite}
  default-server inter 1s fastinter 500ms fall 2 rise 2 on-marked-down shutdown-sessions
${pgServers("/primary")}

listen postgres_read
  bind ${HOST}:${PORTS.haproxyRead}
  balance roundrobin
  default-server inter 1s fastinter 500ms fall 2 rise 2 on-marked-down shutdown-sessions
${pgServers("/replica")}

listen app
  mode http
  bind ${HOST}:${PORTS.haproxyApp}
  balance roundrobin
  option forwardfor
  option redispatch
  retry-on conn-failure empty-response
  timeout client 60s
  timeout server 60s
  default-server inter 1s fall 2 rise 2
${PORTS.app.map((p, i) => `  server app${i} ${HOST}:${p} check`).join("\n")}

listen stats
  mode http
  bind ${HOST}:${PORTS.haproxyStats}
  timeout client 30s
  timeout server 30s
  stats enable
  stats uri /
  stats refresh 2s
`;
}

/** PgBouncer in transaction mode in front of HAProxy's write port, for the app's two logins. */
export function pgbouncerConfig(): { ini: string; userlist: (s: Secrets) => string } {
  const dir = path.join(DIRS.run, "pgbouncer");
  return {
    ini: `[databases]
* = host=${HOST} port=${PORTS.haproxyWrite}

[pgbouncer]
listen_addr = ${HOST}
listen_port = ${PORTS.pgbouncer}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = ${path.join(dir, "userlist.txt")}
pool_mode = transaction
max_client_conn = 400
default_pool_size = 20
server_reset_query =
server_check_delay = 0
server_connect_timeout = 3
server_login_retry = 1
query_wait_timeout = 20
logfile = ${path.join(DIRS.logs, "pgbouncer-own.log")}
pidfile =
admin_users = ${LOGINS.superuser}
`,
    userlist: (s) =>
      [
        [LOGINS.runtime, s.runtime],
        [LOGINS.auth, s.auth],
        [LOGINS.superuser, s.superuser],
      ]
        .map(([u, p]) => `"${u}" "${p}"`)
        .join("\n") + "\n",
  };
}

export const PGBOUNCER_DIR = path.join(DIRS.run, "pgbouncer");
