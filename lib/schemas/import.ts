import { z } from "zod";
import { patientCreateInput } from "./patients";

/** What one roster import may hold (checked by the server; the page states them). */
export const IMPORT_LIMITS = {
  /** The file, in bytes (UTF-8). */
  maxBytes: 2 * 1024 * 1024,
  /** Data rows (CSV) or Patient entries (FHIR Bundle). */
  maxRows: 2000,
  /** Rows per import request: one transaction each. */
  batchSize: 100,
} as const;

export const importFormats = ["csv", "fhir"] as const;
export type ImportFormat = (typeof importFormats)[number];

/**
 * The CSV columns, in the template's order, each with the patient field it fills. Only the
 * names and the birth date are required; a blank MRN takes the practice's next one.
 */
export const IMPORT_COLUMNS = {
  mrn: "mrn",
  given_name: "givenName",
  family_name: "familyName",
  birth_date: "birthDate",
  sex: "sex",
  phone: "phone",
  email: "email",
  preferred_name: "preferredName",
  pronouns: "pronouns",
  address_line: "addressLine",
  address_city: "addressCity",
  address_region: "addressRegion",
  address_postal_code: "addressPostalCode",
  address_country: "addressCountry",
  emergency_name: "emergencyName",
  emergency_relationship: "emergencyRelationship",
  emergency_phone: "emergencyPhone",
  insurance_payer: "insurancePayer",
  insurance_member_id: "insuranceMemberId",
} as const;

export type ImportColumn = keyof typeof IMPORT_COLUMNS;
export const REQUIRED_COLUMNS = ["given_name", "family_name", "birth_date"] as const satisfies ImportColumn[];

const bytes = (s: string) => new TextEncoder().encode(s).length;
const megabytes = (n: number) => `${n / (1024 * 1024)} MB`;

/** The uploaded file, as text: the server parses it (csv-parse, or JSON for a FHIR Bundle). */
export const importPreviewInput = z.object({
  format: z.enum(importFormats),
  content: z
    .string()
    .min(1, "The file is empty.")
    .refine(
      (s) => bytes(s) <= IMPORT_LIMITS.maxBytes,
      `The file is larger than ${megabytes(IMPORT_LIMITS.maxBytes)}: split it into smaller files.`,
    ),
});

/** One row as the preview returned it: the registration fields, with the row's line in the file. */
export const importRowInput = patientCreateInput
  .omit({ duplicateReason: true })
  .extend({ line: z.number().int().min(1).max(1_000_000) })
  .superRefine((row, check) => {
    // PostgreSQL text cannot hold NUL: refused here, by field, rather than by the database.
    for (const [key, value] of Object.entries(row))
      if (typeof value === "string" && value.includes("\u0000"))
        check.addIssue({ code: "custom", path: [key], message: "Holds a NUL character, which cannot be stored" });
  });
export type ImportRow = z.output<typeof importRowInput>;

/** One batch of previewed rows; a typed MRN appears once per batch. */
export const importBatchInput = z
  .object({
    importId: z.uuid(),
    /** Put every created patient on this clinician's care team (the care-team rules apply). */
    clinicianId: z.uuid().nullish(),
    rows: z.array(importRowInput).min(1, "Nothing to import").max(IMPORT_LIMITS.batchSize),
  })
  .superRefine((input, check) => {
    const lines = new Set<number>();
    const mrns = new Map<string, number>();
    input.rows.forEach((row, i) => {
      if (lines.has(row.line)) check.addIssue({ code: "custom", path: ["rows", i, "line"], message: "Repeated row" });
      lines.add(row.line);
      if (!row.mrn) return;
      const key = row.mrn.toLowerCase();
      const first = mrns.get(key);
      if (first !== undefined)
        check.addIssue({ code: "custom", path: ["rows", i, "mrn"], message: `MRN repeats row ${first}` });
      else mrns.set(key, row.line);
    });
  });
export type ImportBatchInput = z.output<typeof importBatchInput>;
