import { and, eq, ilike, or, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { z } from "zod";
import { serverTimeZone } from "@/lib/time";
import { containsPattern } from "@/server/db/pagination";

/*
 * FHIR search parameter values (https://hl7.org/fhir/R4/search.html) → SQL conditions. Each
 * function takes one value (a comma-separated list is split by the caller) and throws ParamError
 * with a sentence when the value is malformed; the search names the parameter in its 400.
 */

export class ParamError extends Error {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (id: string) => UUID.test(id);

/** Splits a value on the commas that are not escaped (`\,`) and unescapes `\,` `\|` `\$` `\\`. */
export function splitValues(raw: string): string[] {
  const out: string[] = [];
  let current = "";
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === "\\" && i + 1 < raw.length && ",|$\\".includes(raw[i + 1]!)) {
      current += raw[++i];
    } else if (c === ",") {
      out.push(current);
      current = "";
    } else current += c;
  }
  out.push(current);
  return out;
}

/**
 * A string parameter: by default the start of any word of the column, ignoring case; `:exact` the
 * whole value as written; `:contains` anywhere.
 */
export function stringMatch(columns: AnyColumn[], value: string, modifier: string | null): SQL {
  const conditions = columns.map((c) => {
    if (modifier === "exact") return eq(c, value);
    if (modifier === "contains") return ilike(c, containsPattern(value));
    const start = containsPattern(value).slice(1);
    return or(ilike(c, start), ilike(c, `% ${start}`))!;
  });
  return or(...conditions)!;
}

/** `_id` and reference values name a database id; anything else names nothing (never an error). */
export function idMatch(column: AnyColumn, id: string): SQL {
  return isUuid(id) ? eq(column, id) : sql`false`;
}

/**
 * A reference parameter: `Type/id`, a bare id, or the absolute URL of `Type/id` on this server.
 * Another resource type is bad input; an id that does not exist (or another practice's) matches
 * nothing, like any hidden row.
 */
export function referenceMatch(column: AnyColumn, type: string, value: string, base: string): SQL {
  const local = value.startsWith(`${base}/`) ? value.slice(base.length + 1) : value;
  const parts = local.split("/");
  if (parts.length === 1) return idMatch(column, parts[0]!);
  if (parts.length === 2 && parts[0] === type) return idMatch(column, parts[1]!);
  throw new ParamError(`expected ${type}/<id> or an id, got "${value}".`);
}

/** A token `[system]|code` or `code`: the system (null when absent; "" when the value starts with `|`) and code. */
export function token(value: string): { system: string | null; code: string } {
  const bar = value.indexOf("|");
  return bar < 0 ? { system: null, code: value } : { system: value.slice(0, bar), code: value.slice(bar + 1) };
}

export type DatePrefix = "eq" | "ne" | "gt" | "lt" | "ge" | "le";
const DATE_VALUE =
  /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** A date parameter's value: its prefix and the range it stands for, by its precision. */
export type DateRange =
  | { prefix: DatePrefix; kind: "date"; from: string; to: string }
  | { prefix: DatePrefix; kind: "instant"; from: Date; to: Date };

const iso = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);

/**
 * Parses `[prefix]YYYY[-MM[-DD[Thh:mm[:ss[.fff]]zone]]]`. A date without a time is a range of whole
 * days ([from, to) as ISO dates: the day, month or year); a time must carry its zone and is a range
 * of instants as wide as its precision.
 */
export function parseDateValue(value: string, allowTime: boolean): DateRange {
  const m = DATE_VALUE.exec(value);
  if (!m) throw new ParamError(`"${value}" is not a FHIR date (e.g. 2026-03-01 or ge2026-03-01).`);
  const [, rawPrefix, ys, ms, ds, hh, mi, ss, frac, zone] = m;
  const prefix = (rawPrefix ?? "eq") as DatePrefix | "sa" | "eb" | "ap";
  if (prefix === "sa" || prefix === "eb" || prefix === "ap")
    throw new ParamError(`the prefix "${prefix}" is not supported (eq, ne, gt, lt, ge, le are).`);
  const y = Number(ys);
  const mo = ms ? Number(ms) : 1;
  const d = ds ? Number(ds) : 1;
  if (mo < 1 || mo > 12 || iso(y, mo, d) !== `${ys}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`)
    throw new ParamError(`"${value}" is not a calendar date.`);
  if (hh === undefined) {
    const to = ds ? iso(y, mo, d + 1) : ms ? iso(y, mo + 1, 1) : iso(y + 1, 1, 1);
    return { prefix, kind: "date", from: iso(y, mo, d), to };
  }
  if (!allowTime) throw new ParamError(`"${value}": this parameter takes a date without a time.`);
  if (!zone) throw new ParamError(`"${value}": a time needs its zone (Z or ±hh:mm).`);
  if (Number(hh) > 23 || Number(mi) > 59 || Number(ss ?? 0) > 59) throw new ParamError(`"${value}" is not a time.`);
  const from = new Date(`${ys}-${ms}-${ds}T${hh}:${mi}:${ss ?? "00"}${frac ?? ""}${zone}`);
  const width = frac ? 10 ** (3 - Math.min(frac.length - 1, 3)) : ss ? 1000 : 60_000;
  return { prefix, kind: "instant", from, to: new Date(from.getTime() + width) };
}

/** The condition "the column's value (a point in time or a day) against [from, to) by the prefix". */
function rangeCondition(column: AnyColumn, prefix: DatePrefix, from: SQL, to: SQL): SQL {
  switch (prefix) {
    case "eq":
      return sql`(${column} >= ${from} and ${column} < ${to})`;
    case "ne":
      return sql`not (${column} >= ${from} and ${column} < ${to})`;
    case "gt":
      return sql`${column} >= ${to}`;
    case "lt":
      return sql`${column} < ${from}`;
    case "ge":
      return sql`${column} >= ${from}`;
    case "le":
      return sql`${column} < ${to}`;
  }
}

/** A date column (birth date): the value's days. */
export function dateColumnMatch(column: AnyColumn, value: string): SQL {
  const r = parseDateValue(value, false) as Extract<DateRange, { kind: "date" }>;
  return rangeCondition(column, r.prefix, sql`${r.from}::date`, sql`${r.to}::date`);
}

/** The current practice's time zone (the server's until the practice chooses one). */
const practiceZone = () =>
  sql`coalesce((select o.time_zone from organizations o where o.id = (select app_org_id())), ${serverTimeZone()})`;

/** A timestamp column: a date without a time means whole days in the practice's time zone. */
export function instantColumnMatch(column: AnyColumn, value: string): SQL {
  const r = parseDateValue(value, true);
  if (r.kind === "instant")
    return rangeCondition(
      column,
      r.prefix,
      sql`${r.from.toISOString()}::timestamptz`,
      sql`${r.to.toISOString()}::timestamptz`,
    );
  const day = (d: string) => sql`((${d}::date)::timestamp at time zone ${practiceZone()})`;
  return rangeCondition(column, r.prefix, day(r.from), day(r.to));
}

/** Every condition of a search ANDed (repeated parameters), each of its values ORed (commas). */
export const allOf = (conditions: SQL[]) => and(...conditions);
export const anyOf = (conditions: SQL[]) => (conditions.length === 1 ? conditions[0]! : or(...conditions)!);

/** `_count`: 1 to 100 entries a page (more is capped at 100, as FHIR lets a server). */
export const countParam = z.coerce.number().int().min(1);
export const MAX_COUNT = 100;
export const DEFAULT_COUNT = 20;
