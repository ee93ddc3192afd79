import postgres from "postgres";

export class ConfigError extends Error {}

export interface ParsedUrl {
  user: string;
  password: string;
  host: string;
  database: string;
}

export function parseDatabaseUrl(value: string, name: string): ParsedUrl {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a valid URL (expected postgres://user:password@host:port/database).`);
  }
  if (!/^postgres(ql)?:$/.test(url.protocol) || !url.username || url.pathname.length < 2) {
    throw new ConfigError(`${name} must look like postgres://user:password@host:port/database.`);
  }
  return {
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    host: url.host,
    database: decodeURIComponent(url.pathname.slice(1)),
  };
}

/**
 * Start-up refuses a runtime role that would make the policies moot, and an unreachable
 * database, each with one sentence instead of a stack trace.
 */
export async function checkRuntimeRole(runtimeUrl: string, name = "DATABASE_URL"): Promise<void> {
  const { host, database, user } = parseDatabaseUrl(runtimeUrl, name);
  const client = postgres(runtimeUrl, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    const [role] = await client<{ rolsuper: boolean; rolbypassrls: boolean; owns: number }[]>`
      select r.rolsuper, r.rolbypassrls,
             (select count(*)::int from pg_class c where c.relowner = r.oid and c.relnamespace = 'public'::regnamespace) as owns
      from pg_roles r where r.rolname = current_user`;
    if (role.rolsuper || role.rolbypassrls || role.owns > 0) {
      throw new ConfigError(
        `The runtime role "${user}" in ${name} is a superuser, can bypass RLS or owns tables; use a plain LOGIN role so the policies apply.`,
      );
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(
      `Cannot reach the database "${database}" at ${host} as "${user}": ${(err as Error).message}.`,
    );
  } finally {
    await client.end({ timeout: 1 });
  }
}
