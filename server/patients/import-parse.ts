import { CsvError, parse } from "csv-parse/sync";
import { EMERGENCY_RELATIONSHIPS } from "@/lib/schemas/patients";
import {
  IMPORT_COLUMNS,
  IMPORT_LIMITS,
  REQUIRED_COLUMNS,
  importRowInput,
  type ImportColumn,
  type ImportFormat,
  type ImportRow,
} from "@/lib/schemas/import";
import { AppError } from "@/server/errors";

/** A row of the file before validation: its line (CSV line, or Bundle entry number) and its cells by field. */
export interface RawRow {
  line: number;
  values: Partial<Record<(typeof IMPORT_COLUMNS)[ImportColumn], string>>;
  /** Problems found while reading the row itself (a FHIR entry that is no Patient, a code with no meaning here). */
  errors: string[];
}

/** A validated row, or the reasons it cannot be imported. */
export type CheckedRow =
  | { line: number; ok: true; row: ImportRow; errors: [] }
  | { line: number; ok: false; values: RawRow["values"]; errors: string[] };

const tooMany = () =>
  new AppError(
    "BAD_REQUEST",
    `The file has more than ${IMPORT_LIMITS.maxRows} patients: split it into files of at most ${IMPORT_LIMITS.maxRows}.`,
  );

const CSV_PROBLEMS: Partial<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: "a quoted cell is not closed",
  CSV_INVALID_CLOSING_QUOTE: "a quote stands inside a cell that is not quoted",
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: "text follows a closing quote",
  CSV_MAX_RECORD_SIZE: "a row is too long",
  INVALID_OPENING_QUOTE: "a quote stands inside a cell that is not quoted",
};

/** "Given name", "birth_date" → "birth_date": header cells as the template writes them. */
const columnKey = (header: string) =>
  header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");

/**
 * Reads a CSV roster with csv-parse: a header row naming the template's columns (any order, case
 * and spacing), then one patient per row. Cells are text as written: nothing is cast or evaluated,
 * so a cell such as `=HYPERLINK(…)` is a name like any other. Stops reading past the row limit.
 */
export function readCsv(content: string): RawRow[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // `info: true` gives each record with its line; the sync API's types do not model it.
    records = parse(content, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      trim: true,
      max_record_size: 64 * 1024,
      to: IMPORT_LIMITS.maxRows + 2,
    }) as unknown as typeof records;
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    const lines = (err as unknown as { lines?: unknown }).lines;
    const where = typeof lines === "number" ? ` near line ${lines}` : "";
    throw new AppError(
      "BAD_REQUEST",
      `The file could not be read as CSV${where}: ${CSV_PROBLEMS[err.code] ?? "check it is comma-separated text"}.`,
    );
  }
  const [header, ...rows] = records;
  if (!header) throw new AppError("BAD_REQUEST", "The file is empty: it needs a header row and one row per patient.");
  if (rows.length > IMPORT_LIMITS.maxRows) throw tooMany();
  const keys = header.record.map(columnKey);
  const unknown = keys.filter((k) => !Object.hasOwn(IMPORT_COLUMNS, k));
  const missing = REQUIRED_COLUMNS.filter((k) => !keys.includes(k));
  const repeated = keys.filter((k, i) => keys.indexOf(k) !== i);
  if (unknown.length || missing.length || repeated.length) {
    const problems = [
      unknown.length && `unknown column${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `“${k}”`).join(", ")}`,
      missing.length && `missing ${missing.join(", ")}`,
      repeated.length && `repeated ${[...new Set(repeated)].join(", ")}`,
    ].filter(Boolean);
    throw new AppError(
      "BAD_REQUEST",
      `The header row does not match the template (${problems.join("; ")}). The columns are: ${Object.keys(IMPORT_COLUMNS).join(", ")}.`,
    );
  }
  if (rows.length === 0) throw new AppError("BAD_REQUEST", "The file has a header row but no patients.");
  return rows.map(({ record, info }) => {
    const values: RawRow["values"] = {};
    keys.forEach((k, i) => {
      if (record[i]) values[IMPORT_COLUMNS[k as ImportColumn]] = record[i];
    });
    const errors =
      record.length > keys.length ? [`The row has ${record.length} cells; the header has ${keys.length}`] : [];
    return { line: info.lines, values, errors };
  });
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown) => (typeof v === "string" ? v : undefined);

/** HumanName → given and family: the official name first, else the first that is not a nickname. */
function nameParts(names: unknown[]) {
  const all = names.map(obj);
  const main =
    all.find((n) => n.use === "official") ?? all.find((n) => n.use !== "nickname" && n.use !== "usual") ?? all[0];
  const usual = all.find((n) => n.use === "usual" && n !== main);
  const given = (n: Json | undefined) => list(n?.given).map(text).filter(Boolean).join(" ") || undefined;
  return { given: given(main), family: text(main?.family), preferred: given(usual) };
}

const RELATIONSHIP_BY_CODE = new Map<string, string>(
  Object.entries(EMERGENCY_RELATIONSHIPS).map(([key, r]) => [r.code, key]),
);
const MR = (id: Json) => list(obj(id.type).coding).some((c) => obj(c).code === "MR");

/** One FHIR R4 Patient as a row (identifier MR → MRN; name; gender; birthDate; telecom; address; contact). */
function patientRow(resource: Json, line: number): RawRow {
  const ids = list(resource.identifier).map(obj);
  const mrn = ids.find(MR) ?? (ids.length === 1 ? ids[0] : undefined);
  const { given, family, preferred } = nameParts(list(resource.name));
  const telecom = list(resource.telecom).map(obj);
  const contactPoint = (system: string, from = telecom) => text(from.find((t) => t.system === system)?.value);
  const address = obj(
    list(resource.address)
      .map(obj)
      .find((a) => a.use === "home") ?? list(resource.address)[0],
  );
  const contact = obj(list(resource.contact)[0]);
  const contactName = obj(contact.name);
  // The relationship as the app records it: a v3 RoleCode it knows, or one of its own words as text
  // (its export writes the word beside the v2 "emergency contact" code, which says nothing of kinship).
  const relationships = list(contact.relationship).map(obj);
  const relationship =
    relationships
      .flatMap((r) => list(r.coding).map((c) => RELATIONSHIP_BY_CODE.get(text(obj(c).code) ?? "")))
      .find(Boolean) ??
    relationships
      .map((r) => text(r.text)?.toLowerCase())
      .find((t) => t !== undefined && Object.hasOwn(EMERGENCY_RELATIONSHIPS, t));
  const values: RawRow["values"] = {
    mrn: text(mrn?.value),
    givenName: given,
    familyName: family,
    birthDate: text(resource.birthDate),
    sex: text(resource.gender),
    phone: contactPoint("phone"),
    email: contactPoint("email"),
    preferredName: preferred,
    addressLine: list(address.line).map(text).filter(Boolean).join(", ") || undefined,
    addressCity: text(address.city),
    addressRegion: text(address.state),
    addressPostalCode: text(address.postalCode),
    addressCountry: text(address.country),
    emergencyName:
      text(contactName.text) ??
      ([...list(contactName.given).map(text), text(contactName.family)].filter(Boolean).join(" ") || undefined),
    emergencyRelationship: relationship,
    emergencyPhone: contactPoint("phone", list(contact.telecom).map(obj)),
  };
  for (const k of Object.keys(values) as (keyof typeof values)[]) if (values[k] === undefined) delete values[k];
  return { line, values, errors: [] };
}

/** Reads a FHIR R4 Bundle (JSON) of Patient resources; an entry of another type is a row error. */
export function readFhirBundle(content: string): RawRow[] {
  let bundle: Json;
  try {
    bundle = obj(JSON.parse(content));
  } catch {
    throw new AppError("BAD_REQUEST", "The file is not valid JSON: a FHIR Bundle is a JSON document.");
  }
  if (bundle.resourceType !== "Bundle")
    throw new AppError("BAD_REQUEST", "The file is not a FHIR Bundle (its resourceType must be “Bundle”).");
  const entries = list(bundle.entry);
  if (entries.length === 0) throw new AppError("BAD_REQUEST", "The Bundle has no entries.");
  if (entries.length > IMPORT_LIMITS.maxRows) throw tooMany();
  return entries.map((entry, i) => {
    const resource = obj(obj(entry).resource);
    if (resource.resourceType !== "Patient")
      return {
        line: i + 1,
        values: {},
        errors: [
          `The entry is ${text(resource.resourceType) ? `a ${text(resource.resourceType)}` : "no resource"}, not a Patient`,
        ],
      };
    return patientRow(resource, i + 1);
  });
}

export const readRoster = (format: ImportFormat, content: string) =>
  format === "csv" ? readCsv(content) : readFhirBundle(content);

/** Sex as rosters write it: the FHIR gender codes, or their first letters. */
const SEX_CODES: Record<string, string> = { f: "female", m: "male", o: "other", u: "unknown" };

const FIELD_LABELS: Record<string, string> = {
  mrn: "MRN",
  givenName: "Given name",
  familyName: "Family name",
  birthDate: "Birth date",
  sex: "Sex",
  phone: "Phone",
  email: "Email",
  preferredName: "Preferred name",
  pronouns: "Pronouns",
  addressLine: "Address",
  addressCity: "City",
  addressRegion: "Region",
  addressPostalCode: "Postal code",
  addressCountry: "Country",
  emergencyName: "Emergency contact",
  emergencyRelationship: "Emergency contact relationship",
  emergencyPhone: "Emergency contact phone",
  insurancePayer: "Insurance payer",
  insuranceMemberId: "Insurance member ID",
};

/** A zod message with the field it is about, unless it names it already. */
function fieldMessage(field: string, message: string) {
  const label = FIELD_LABELS[field] ?? field;
  if (field === "sex") return "Sex must be female, male, other or unknown (or F, M, O, U)";
  if (field === "emergencyRelationship")
    return `Emergency contact relationship must be one of ${Object.keys(EMERGENCY_RELATIONSHIPS).join(", ")}`;
  return message.toLowerCase().startsWith(label.toLowerCase()) ? message : `${label}: ${message}`;
}

const REQUIRED_FIELDS = ["givenName", "familyName", "birthDate"] as const;

/** Each row through the registration form's own rules; blank sex is "unknown", a blank MRN is generated. */
export function checkRow(raw: RawRow): CheckedRow {
  const sex = raw.values.sex?.trim().toLowerCase();
  const missing = REQUIRED_FIELDS.filter((f) => !raw.values[f]?.trim());
  const parsed = importRowInput.safeParse({
    ...raw.values,
    mrn: raw.values.mrn ?? null,
    sex: !sex ? "unknown" : (SEX_CODES[sex] ?? sex),
    emergencyRelationship: raw.values.emergencyRelationship?.toLowerCase(),
    line: raw.line,
  });
  const errors = [
    ...raw.errors,
    ...missing.map((f) => `${FIELD_LABELS[f]} is required`),
    ...(parsed.success
      ? []
      : parsed.error.issues
          .filter((i) => !(missing as string[]).includes(String(i.path[0])))
          .map((i) => fieldMessage(String(i.path[0]), i.message))),
  ];
  if (parsed.success && errors.length === 0) return { line: raw.line, ok: true, row: parsed.data, errors: [] };
  return { line: raw.line, ok: false, values: raw.values, errors: [...new Set(errors)] };
}

/**
 * What the file itself says is wrong across rows: a typed MRN on more than one row (every such
 * row, since which one is right is the admin's call) and the same name and birth date twice.
 */
export function crossRowErrors(rows: CheckedRow[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const add = (line: number, message: string) => out.set(line, [...(out.get(line) ?? []), message]);
  const group = (key: (r: CheckedRow) => string | null) => {
    const by = new Map<string, number[]>();
    for (const r of rows) {
      const k = key(r);
      if (k) by.set(k, [...(by.get(k) ?? []), r.line]);
    }
    return [...by.values()].filter((lines) => lines.length > 1);
  };
  const others = (lines: number[], line: number) => lines.filter((l) => l !== line).join(", ");
  for (const lines of group((r) => (r.ok ? r.row.mrn : r.values.mrn?.trim())?.toLowerCase() || null))
    for (const line of lines) add(line, `MRN repeats on row ${others(lines, line)}`);
  for (const lines of group((r) =>
    r.ok ? `${r.row.givenName} ${r.row.familyName} ${r.row.birthDate}`.toLowerCase() : null,
  ))
    for (const line of lines) add(line, `Same name and birth date as row ${others(lines, line)}`);
  return out;
}
