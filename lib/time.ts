/**
 * One clock: every time the app shows is in the practice's time zone, with its abbreviation, and
 * every date in one format (the app's locale, en-GB: "3 Mar 2026"). Pure Intl, usable on the
 * server and in the browser (a browser's own zone never decides what a time reads).
 */
export const LOCALE = "en-GB";

/** The zone of the server process: the default for a practice that has not chosen one. */
export function serverTimeZone(): string {
  return process.env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** Every IANA zone this runtime knows (for the admin setting and its validation). */
export function timeZones(): string[] {
  const list = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return list.includes("UTC") ? list : ["UTC", ...list];
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(key: string, make: () => Intl.DateTimeFormat) {
  let f = cache.get(key);
  if (!f) cache.set(key, (f = make()));
  return f;
}

/** "EST", "GMT", "CET" — en-US names the North American zones; elsewhere an offset such as "GMT+1". */
export function zoneAbbreviation(at: Date, tz: string): string {
  const f = formatter(`abbr|${tz}`, () => new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "short" }));
  return f.formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? tz;
}

/** "15:21 EST" */
export function formatTime(at: Date, tz: string): string {
  const f = formatter(
    `time|${tz}`,
    () => new Intl.DateTimeFormat(LOCALE, { timeZone: tz, hour: "2-digit", minute: "2-digit" }),
  );
  return `${f.format(at)} ${zoneAbbreviation(at, tz)}`;
}

/** "3 Mar 2026" — the calendar day in the practice's zone. */
export function formatDay(at: Date, tz: string): string {
  const f = formatter(
    `day|${tz}`,
    () => new Intl.DateTimeFormat(LOCALE, { timeZone: tz, day: "numeric", month: "short", year: "numeric" }),
  );
  return f.format(at);
}

/** "3 Mar 2026, 15:21 EST" */
export function formatDateTime(at: Date, tz: string): string {
  return `${formatDay(at, tz)}, ${formatTime(at, tz)}`;
}

/** A calendar date ("YYYY-MM-DD", no zone) such as a birth date: "3 Mar 1980". */
export function formatDate(isoDate: string): string {
  const [y, m, d] = isoDate.split("-").map(Number);
  if (!y || !m || !d) return isoDate;
  const f = formatter(
    "date|UTC",
    () => new Intl.DateTimeFormat(LOCALE, { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" }),
  );
  return f.format(new Date(Date.UTC(y, m - 1, d)));
}

/** The date of `at` in `tz` as "YYYY-MM-DD". */
export function isoDay(at: Date, tz: string): string {
  const f = formatter(
    `iso|${tz}`,
    () => new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }),
  );
  return f.format(at);
}

/** Whole years between a birth date and today in the practice's zone. */
export function ageOn(birthDate: string, at: Date, tz: string): number {
  const [by, bm, bd] = birthDate.split("-").map(Number);
  const [ty, tm, td] = isoDay(at, tz).split("-").map(Number);
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/** "3 Mar 1980 (46 years)"; under two, in months. */
export function formatBirth(birthDate: string, at: Date, tz: string): string {
  const years = ageOn(birthDate, at, tz);
  if (years >= 2) return `${formatDate(birthDate)} (${years} years)`;
  const [by, bm, bd] = birthDate.split("-").map(Number);
  const [ty, tm, td] = isoDay(at, tz).split("-").map(Number);
  const months = (ty - by) * 12 + (tm - bm) - (td < bd ? 1 : 0);
  return `${formatDate(birthDate)} (${months} month${months === 1 ? "" : "s"})`;
}

/** "female" → "Female". */
export function formatSex(sex: string): string {
  return sex ? sex[0].toUpperCase() + sex.slice(1) : sex;
}

/** The offset of `tz` from UTC at `at`, in milliseconds. */
function offsetMs(at: Date, tz: string): number {
  const f = formatter(
    `parts|${tz}`,
    () =>
      new Intl.DateTimeFormat("en-US", {
        timeZone: tz,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      }),
  );
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
    Number(p.second),
  );
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** A wall-clock time typed in a form ("2026-03-04T09:30") read in the practice's zone, not the browser's. */
export function wallTimeInZone(local: string, tz: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!m) return null;
  const guess = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  let at = guess - offsetMs(new Date(guess), tz);
  at = guess - offsetMs(new Date(at), tz);
  return new Date(at);
}

/** A calendar date ("YYYY-MM-DD") `n` days later (or earlier); calendar arithmetic, no clock involved. */
export function addDays(isoDate: string, n: number): string {
  const [y, m, d] = isoDate.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** The Monday of the week holding a calendar date (weeks start on Monday in the app's locale). */
export function weekStart(isoDate: string): string {
  const [y, m, d] = isoDate.split("-").map(Number);
  const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
  return addDays(isoDate, -weekday);
}

/** "Mon 7 Dec 2026" — a calendar date with its weekday. */
export function formatWeekday(isoDate: string): string {
  const [y, m, d] = isoDate.split("-").map(Number);
  const f = formatter(
    "weekday|UTC",
    () =>
      new Intl.DateTimeFormat(LOCALE, {
        timeZone: "UTC",
        weekday: "short",
        day: "numeric",
        month: "short",
        year: "numeric",
      }),
  );
  return f.format(new Date(Date.UTC(y, m - 1, d))).replace(",", "");
}

/**
 * A date as a person types it, in the app's format ("4 Apr 1979", "4 April 1979") or ISO
 * ("1979-04-04"), as "YYYY-MM-DD"; null when it is not one or not a real calendar day. The one
 * parser behind every date input and the patient search.
 */
export function parseDate(text: string): string | null {
  const t = text.trim().toLowerCase().replace(/,/g, " ").replace(/\s+/g, " ");
  let y: number, m: number, d: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  const written = /^(\d{1,2}) ([a-z]{3,9})\.? (\d{4})$/.exec(t);
  if (iso) [y, m, d] = [+iso[1], +iso[2], +iso[3]];
  else if (written) {
    const month = MONTH_NAMES.findIndex((name) => name.startsWith(written[2]));
    if (month < 0) return null;
    [y, m, d] = [+written[3], month + 1, +written[1]];
  } else return null;
  const at = new Date(Date.UTC(y, m - 1, d));
  if (at.getUTCFullYear() !== y || at.getUTCMonth() !== m - 1 || at.getUTCDate() !== d) return null;
  return at.toISOString().slice(0, 10);
}

const MONTH_NAMES = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];

/** The hint every date input shows: the app's format. */
export const DATE_HINT = "e.g. 4 Apr 1979 or 1979-04-04";

/**
 * A date and time as typed ("4 Mar 2031 09:30", "2031-03-04 09:30" or "2031-03-04T09:30"), as
 * the wall-clock "YYYY-MM-DDTHH:MM" that wallTimeInZone() reads in the practice's zone; null when
 * it is not one.
 */
export function parseDateTime(text: string): string | null {
  const m = /^(.*?)[\sT,]+(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m || +m[2] > 23 || +m[3] > 59) return null;
  const date = parseDate(m[1]);
  return date ? `${date}T${m[2].padStart(2, "0")}:${m[3]}` : null;
}

/** The hint every date-and-time input shows. */
export const DATE_TIME_HINT = "e.g. 4 Apr 2031 09:30";
