import { isIP } from "node:net";
import { z } from "zod";
import { ConfigError } from "@/server/db/config";

/** An empty value counts as unset (`PORT= npm start`), so its default applies. */
const unsetIfBlank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const number = (expected: string, min: number, max: number, fallback: number, integer = false) =>
  z.preprocess(
    unsetIfBlank,
    z.coerce
      .number({ error: expected })
      .refine((n) => n >= min && n <= max && (!integer || Number.isInteger(n)), expected)
      .default(fallback),
  );

const text = z.preprocess(unsetIfBlank, z.string().optional());
const url = (expected: string) => z.preprocess(unsetIfBlank, z.url({ error: expected }).optional());
/** `host:port` of a DNS server by IP address (`127.0.0.1:53`, `[::1]:5353`): what node's Resolver.setServers takes. */
const dnsServer = z.preprocess(
  unsetIfBlank,
  z
    .string()
    .refine((v) => {
      const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(v);
      const host = m?.[1] ?? m?.[2];
      return Boolean(m && host && isIP(host) === (m[1] ? 6 : 4) && Number(m[3]) >= 1 && Number(m[3]) <= 65535);
    }, "an IP address and port such as 10.0.0.2:53 or [::1]:53")
    .optional(),
);
const flag = z.preprocess(unsetIfBlank, z.enum(["0", "1"], { error: "1 or 0" }).optional()).transform((v) => v === "1");

/** A comma-separated list of https origins (`https://host[:port]`, nothing after it). */
const origins = z.preprocess(
  unsetIfBlank,
  z
    .string()
    .optional()
    .transform((v) =>
      (v ?? "")
        .split(",")
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .refine(
      (list) => list.every((o) => URL.canParse(o) && new URL(o).protocol === "https:" && new URL(o).origin === o),
      "a comma-separated list of origins such as https://oauth2.googleapis.com (https, no path or trailing slash)",
    ),
);

/** The 32-byte key, as base64/base64url or 64 hex digits. */
const key32 = z.preprocess(
  unsetIfBlank,
  z
    .string()
    .trim()
    .refine(
      (v) => (/^[0-9a-f]{64}$/i.test(v) ? 32 : Buffer.from(v, "base64url").length) === 32,
      "32 bytes, written as base64 or as 64 hex digits",
    )
    .optional(),
);

/** A variable's documentation (docs/configuration.md is generated from it: `npm run docs:config`). */
export interface EnvDoc {
  /** What applies when it is unset. */
  fallback: string;
  meaning: string;
  /** Shown in the same row as the variable before it (AUTH_URL / NEXTAUTH_URL). */
  aliasOf?: string;
}
// zod's metadata: each variable's schema carries its own documentation.
const doc = <T extends z.ZodType>(schema: T, d: EnvDoc): T => schema.meta({ ...d });

/**
 * Every environment variable the server and the scripts read, validated in one place. A bad value
 * is one sentence naming the variable (ConfigError), which stops `npm start` before anything runs.
 */
export const envSchema = z.object({
  DATABASE_URL: doc(text, {
    fallback: "embedded PostgreSQL",
    meaning:
      "runtime-role connection; the role's name and password are taken from it (its shape is checked in server/db/config.ts)",
  }),
  DATABASE_AUTH_URL: doc(text, {
    fallback: "embedded sign-in login; beside your own DATABASE_URL, `<its login>_signin` made by the owner login",
    meaning:
      "the sign-in path's own login (role `careroster_auth`): reads password hashes, starts sessions, runs SSO sign-in, password resets and the jobs; required beside `DATABASE_URL`, with a different password (the migration creates it if missing)",
  }),
  DATABASE_OWNER_URL: doc(text, {
    fallback: "embedded superuser",
    meaning:
      'the migrating login: creates the roles if missing, then works as `careroster_owner` (see "Your own server")',
  }),
  PORT: doc(number("a port number between 1 and 65535", 1, 65535, 3000, true), {
    fallback: "3000",
    meaning: "HTTP port of `npm start`",
  }),
  AUTH_SECRET: doc(text, {
    fallback: "generated once into `.data/auth-secret`",
    meaning: "session signing secret; required in real deployments",
  }),
  NEXTAUTH_SECRET: doc(text, { fallback: "", meaning: "", aliasOf: "AUTH_SECRET" }),
  AUTH_URL: doc(url("an absolute URL such as https://careroster.example.org"), {
    fallback: "`http://localhost:$PORT`",
    meaning: "public URL (also the base of the links in invitation and reset mails)",
  }),
  NEXTAUTH_URL: doc(url("an absolute URL such as https://careroster.example.org"), {
    fallback: "",
    meaning: "",
    aliasOf: "AUTH_URL",
  }),
  DATABASE_POOL_MAX: doc(number("a whole number of connections between 1 and 1000", 1, 1000, 10, true), {
    fallback: "10",
    meaning: "runtime pool size per app instance",
  }),
  DATABASE_REQUEST_DEADLINE_MS: doc(
    number("a number of milliseconds between 1000 and 600000", 1000, 600_000, 25_000, true),
    {
      fallback: "25000",
      meaning:
        "how long a request's transaction may take, waiting for a connection included, before it answers 503 `DATABASE_UNAVAILABLE` and is rolled back (a failover, a synchronous commit with no standby)",
    },
  ),
  DATABASE_PREPARE: doc(
    z
      .preprocess(unsetIfBlank, z.enum(["true", "false"], { error: '"true" or "false"' }).default("true"))
      .transform((v) => v === "true"),
    { fallback: "`true`", meaning: "`false` turns off named prepared statements (PgBouncer transaction mode)" },
  ),
  TRUST_PROXY: doc(
    z.preprocess(
      (v) => (unsetIfBlank(v) === undefined || v === "false" ? "0" : v),
      number("a number of proxy hops (0-20)", 0, 20, 0, true),
    ),
    {
      fallback: "off (0)",
      meaning:
        "how many reverse proxies in front of the app append to `X-Forwarded-For`; the sign-in throttle's client address is then the entry that many hops left of the end",
    },
  ),
  SMTP_URL: doc(url("a mail server URL such as smtps://user:password@mail.example.org:465"), {
    fallback: "none",
    meaning:
      "outgoing mail, e.g. `smtps://user:pass@mail.example.org:465` (nodemailer); without it every message is written as an `.eml` file to `CAREROSTER_MAIL_DIR` and its link printed to the log",
  }),
  CAREROSTER_MAIL_DIR: doc(text, {
    fallback: "`.data/mail/`",
    meaning: "where messages go when `SMTP_URL` is unset (files readable by the server's user only)",
  }),
  MAIL_FROM: doc(z.preprocess(unsetIfBlank, z.string().default("CareRoster <no-reply@careroster.invalid>")), {
    fallback: "`CareRoster <no-reply@careroster.invalid>`",
    meaning: "sender of invitation and reset mails",
  }),
  CAREROSTER_DNS_SERVER: doc(dnsServer, {
    fallback: "system resolver",
    meaning:
      "`host:port` (IP address) of the DNS server that checks practices' SSO domain records (`_careroster-sso.<domain>` TXT); see [sso-domains.md](sso-domains.md)",
  }),
  SESSION_IDLE_MINUTES: doc(number("a number of minutes greater than 0", Number.MIN_VALUE, 7 * 24 * 60, 15), {
    fallback: "15",
    meaning: "automatic logoff after this many idle minutes",
  }),
  SESSION_MAX_HOURS: doc(number("a number of hours greater than 0", Number.MIN_VALUE, 30 * 24, 12), {
    fallback: "12",
    meaning: "a session ends this many hours after sign-in, whatever the activity",
  }),
  BREAK_GLASS_MINUTES: doc(number("a whole number of minutes between 1 and 1440 (24 hours)", 1, 1440, 60, true), {
    fallback: "60",
    meaning: "how long an emergency-access grant lasts (1–1440)",
  }),
  MFA_ENCRYPTION_KEY: doc(key32, {
    fallback: "generated once into `.data/mfa-key`",
    meaning:
      "AES-256-GCM key (32 bytes: base64/base64url, or 64 hex digits) for TOTP secrets and SSO client secrets at rest; required in real deployments — keep it with your backups, apart from the database",
  }),
  CAREROSTER_SSO_ALLOWED_ORIGINS: doc(origins, {
    fallback: "none",
    meaning:
      "comma-separated https origins (e.g. `https://oauth2.googleapis.com,https://www.googleapis.com` for Google) that an issuer's discovery document may name for its token and key endpoints besides the issuer's own",
  }),
  CAREROSTER_SSO_ALLOW_HTTP_LOOPBACK: doc(flag, {
    fallback: "off (0)",
    meaning:
      "development and tests only: `1` lets single sign-on reach an issuer on this machine's loopback address, over plain http too (a local test provider)",
  }),
  CAREROSTER_SERVER_TIMING: doc(flag, {
    fallback: "off (0)",
    meaning:
      "`1` adds a `Server-Timing` header (stage names and milliseconds) to tRPC responses: an investigation tool, see [operations.md](operations.md)",
  }),
  // `npm start`'s own switches (the e2e suite and the bench run their own copies).
  CAREROSTER_DATA_DIR: doc(text, {
    fallback: "`.data`",
    meaning: "where `npm start` keeps the embedded database, the generated secrets and mail",
  }),
  CAREROSTER_DATABASE: doc(text, {
    fallback: "`careroster`",
    meaning: "the embedded database's name",
  }),
  CAREROSTER_FRESH_DB: doc(flag, {
    fallback: "off (0)",
    meaning: "`1` drops and recreates the embedded database at start (the journeys)",
  }),
  CAREROSTER_SKIP_DEMO: doc(flag, {
    fallback: "off (0)",
    meaning: "`1` leaves an empty database unseeded (the large benchmark dataset)",
  }),
  NODE_ENV: doc(text, { fallback: "set by Next.js", meaning: "`production` under `npm start`" }),
});

/** The documented variables in schema order, for docs/configuration.md. */
export const envDocs = (): [string, EnvDoc][] =>
  Object.entries(envSchema.shape).map(([name, schema]) => [name, schema.meta() as unknown as EnvDoc]);

export type Env = z.output<typeof envSchema>;

const NAMES = Object.keys(envSchema.shape) as (keyof Env)[];
const SECRETS = new Set(["AUTH_SECRET", "NEXTAUTH_SECRET", "MFA_ENCRYPTION_KEY", "SMTP_URL"]);

/** Parses `source`; the first bad variable becomes the sentence `NAME must be …, not "value".` */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = envSchema.safeParse(Object.fromEntries(NAMES.map((name) => [name, source[name]])));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = String(issue.path[0]);
  // A secret's value never reaches a log, not even a wrong one.
  const shown = SECRETS.has(name) ? "" : `, not "${source[name]}"`;
  throw new ConfigError(`${name} must be ${issue.message}${shown}.`);
}

let cached: { key: string; env: Env } | undefined;

/**
 * The validated environment. Read on every call (tests and scripts change variables at run time),
 * parsed again only when one of its variables changed.
 */
export function env(): Env {
  const key = JSON.stringify(NAMES.map((name) => process.env[name]));
  if (cached?.key !== key) cached = { key, env: parseEnv(process.env) };
  return cached.env;
}
