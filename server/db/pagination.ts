import { AppError } from "@/server/errors";
import type { z } from "zod";

/**
 * Keyset pagination: a cursor is the sort key of the last row shown plus its id, JSON in
 * base64url, opaque to the client. A cursor that does not decode to `schema` is bad input.
 */
export const encodeCursor = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");

export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch {
    throw new AppError("BAD_REQUEST", "The page cursor is not valid.");
  }
}

/** `%term%` for ILIKE, with the term's own `\`, `%` and `_` matched literally. */
export const containsPattern = (term: string): string => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Queries fetch `limit + 1` rows: the extra one only says whether another page exists. Returns the
 * page and the cursor after its last row (null on the last page).
 */
export function takePage<T>(
  rows: T[],
  limit: number,
  cursorOf: (last: T) => object,
): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? encodeCursor(cursorOf(page[page.length - 1])) : null;
  return { page, nextCursor };
}
