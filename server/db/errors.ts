export interface PgError {
  code: string;
  message: string;
}

/** The PostgreSQL error under drizzle's wrapper (whose own message repeats the SQL and its parameters). */
export function findPgError(err: unknown): PgError | undefined {
  for (let e = err as { cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return e as unknown as PgError;
  }
  return undefined;
}
