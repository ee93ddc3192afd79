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

/**
 * Every environment variable the server and the scripts read, validated in one place. A bad value
 * is one sentence naming the variable (ConfigError), which stops `npm start` before anything runs.
 */
export const envSchema = z.object({
  NODE_ENV: text,
  PORT: number("a port number between 1 and 65535", 1, 65535, 3000, true),
  AUTH_URL: url("an absolute URL such as https://careroster.example.org"),
  NEXTAUTH_URL: url("an absolute URL such as https://careroster.example.org"),
  AUTH_SECRET: text,
  NEXTAUTH_SECRET: text,
  // Their shape is checked where they are used (server/db/config.ts), with the same sentences.
  DATABASE_URL: text,
  DATABASE_OWNER_URL: text,
  /** The sign-in path's own login (password hashes, new sessions, SSO sign-in, jobs); never the runtime login. */
  DATABASE_AUTH_URL: text,
  DATABASE_POOL_MAX: number("a whole number of connections between 1 and 1000", 1, 1000, 10, true),
  DATABASE_PREPARE: z
    .preprocess(unsetIfBlank, z.enum(["true", "false"], { error: '"true" or "false"' }).default("true"))
    .transform((v) => v === "true"),
  TRUST_PROXY: z.preprocess(
    (v) => (unsetIfBlank(v) === undefined || v === "false" ? "0" : v),
    number("a number of proxy hops (0-20)", 0, 20, 0, true),
  ),
  SMTP_URL: url("a mail server URL such as smtps://user:password@mail.example.org:465"),
  CAREROSTER_MAIL_DIR: text,
  /** The DNS server that SSO domain checks ask (`_careroster-sso.<domain>` TXT); the system resolver when unset. */
  CAREROSTER_DNS_SERVER: dnsServer,
  MAIL_FROM: z.preprocess(unsetIfBlank, z.string().default("CareRoster <no-reply@careroster.invalid>")),
  SESSION_IDLE_MINUTES: number("a number of minutes greater than 0", Number.MIN_VALUE, 7 * 24 * 60, 15),
  SESSION_MAX_HOURS: number("a number of hours greater than 0", Number.MIN_VALUE, 30 * 24, 12),
  BREAK_GLASS_MINUTES: number("a whole number of minutes between 1 and 1440 (24 hours)", 1, 1440, 60, true),
  // `npm start`'s own switches (the e2e suite and the bench run their own copies).
  CAREROSTER_DATA_DIR: text,
  CAREROSTER_DATABASE: text,
  CAREROSTER_FRESH_DB: flag,
  CAREROSTER_SKIP_DEMO: flag,
  /**
   * Operations: per-stage `Server-Timing` headers on tRPC responses (stage names and milliseconds),
   * to see where a slow request spends its time; the bench's breakdown uses it. Off unless set.
   */
  CAREROSTER_SERVER_TIMING: flag,
  /** Development and tests only: lets SSO fetch plain http from a loopback issuer (a local test provider). */
  CAREROSTER_SSO_ALLOW_HTTP_LOOPBACK: flag,
  /** Origins besides the issuer's own that a discovery document may name for its token and key endpoints. */
  CAREROSTER_SSO_ALLOWED_ORIGINS: origins,
});

export type Env = z.output<typeof envSchema>;

const NAMES = Object.keys(envSchema.shape) as (keyof Env)[];

/** Parses `source`; the first bad variable becomes the sentence `NAME must be …, not "value".` */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = envSchema.safeParse(Object.fromEntries(NAMES.map((name) => [name, source[name]])));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = String(issue.path[0]);
  throw new ConfigError(`${name} must be ${issue.message}, not "${source[name]}".`);
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
