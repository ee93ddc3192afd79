import { sql } from "drizzle-orm";

/** A text[] parameter, one bound value per element (no array-literal quoting to get wrong). */
export const textArray = (values: readonly string[]) =>
  sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;
