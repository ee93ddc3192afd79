import { z } from "zod";
import { calendarDate } from "./dates";

/** Shared by the tRPC procedures and the forms, so both reject the same input the same way. */
const today = () => new Date().toISOString().slice(0, 10);

const mrn = z
  .string()
  .trim()
  .min(1, "MRN is required")
  .max(40)
  .regex(/^[A-Za-z0-9-]+$/, "Letters, digits and dashes only");

const phone = z
  .string()
  .trim()
  .max(30)
  .regex(/^[0-9+()\-. ]*$/, "Digits, spaces and + ( ) - . only")
  .transform((v) => v || null)
  .nullish();

/** Optional free text: blank is null. */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters`)
    .transform((v) => v || null)
    .nullish();

/** Emergency contact relationships, each a FHIR v3 RoleCode for `Patient.contact.relationship`. */
export const EMERGENCY_RELATIONSHIPS = {
  spouse: { label: "Spouse", code: "SPS" },
  partner: { label: "Partner", code: "DOMPART" },
  parent: { label: "Parent", code: "PRN" },
  child: { label: "Child", code: "CHILD" },
  sibling: { label: "Sibling", code: "SIB" },
  guardian: { label: "Guardian", code: "GUARD" },
  friend: { label: "Friend", code: "FRND" },
  other: { label: "Other", code: "O" },
} as const;

const relationship = z
  .union([z.literal(""), z.enum(Object.keys(EMERGENCY_RELATIONSHIPS) as [keyof typeof EMERGENCY_RELATIONSHIPS])])
  .transform((v) => v || null)
  .nullish();

/** The front desk's optional details (FHIR: Patient.name use=usual, pronouns, Patient.address, Patient.contact, Coverage). */
export const frontDeskFields = z.object({
  preferredName: optionalText(100),
  pronouns: optionalText(40),
  addressLine: optionalText(200),
  addressCity: optionalText(100),
  addressRegion: optionalText(100),
  addressPostalCode: z
    .string()
    .trim()
    .toUpperCase()
    .max(12)
    .regex(/^[A-Z0-9 -]*$/, "Letters, digits, spaces and dashes only")
    .transform((v) => v || null)
    .nullish(),
  addressCountry: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^([A-Z]{2})?$/, "Two letters (ISO 3166), e.g. US or GB")
    .transform((v) => v || null)
    .nullish(),
  emergencyName: optionalText(100),
  emergencyRelationship: relationship,
  emergencyPhone: phone,
  insurancePayer: optionalText(100),
  insuranceMemberId: z
    .string()
    .trim()
    .max(40)
    .regex(/^[A-Za-z0-9 -]*$/, "Letters, digits, spaces and dashes only")
    .transform((v) => v || null)
    .nullish(),
});

export const patientFields = z
  .object({
    mrn,
    givenName: z.string().trim().min(1, "Given name is required").max(100),
    familyName: z.string().trim().min(1, "Family name is required").max(100),
    birthDate: calendarDate("Enter a date such as 4 Apr 1979").refine(
      (d) => d >= "1900-01-01" && d <= today(),
      "Birth date must be between 1900 and today",
    ),
    sex: z.enum(["female", "male", "other", "unknown"]),
    phone,
    email: z
      .union([z.literal(""), z.email("Enter a valid email address").max(320)])
      .transform((v) => v || null)
      .nullish(),
  })
  .extend(frontDeskFields.shape);

/** What the duplicate search compares: birth date with a similar name, phone, email. */
export const duplicateCheckInput = patientFields.pick({
  givenName: true,
  familyName: true,
  birthDate: true,
  phone: true,
  email: true,
});

export const patientCreateInput = patientFields.extend({
  /** Blank: the practice's next MRN. */
  mrn: z
    .string()
    .trim()
    .max(40)
    .regex(/^[A-Za-z0-9-]*$/, "Letters, digits and dashes only")
    .transform((v) => v || null)
    .nullish(),
  /** Why a registration goes ahead although possible duplicates were shown ("Create anyway"). */
  duplicateReason: z
    .string()
    .trim()
    .max(500)
    .transform((v) => v || undefined)
    .pipe(z.string().min(10, "Say why this is a different person (at least 10 characters)").optional())
    .optional(),
});

/** The registration form once possible duplicates were shown: "Create anyway" needs its reason. */
export const patientCreateAnywayInput = patientCreateInput.extend({
  duplicateReason: z
    .string()
    .trim()
    .min(10, "Say why this is a different person (at least 10 characters)")
    .max(500, "Keep the reason under 500 characters"),
});

export const patientUpdateInput = patientFields
  .partial()
  .extend({
    id: z.uuid(),
    /** The version the edit was based on; a newer version in the database refuses the edit. */
    version: z.number().int().positive(),
  })
  .refine(
    (input) => Object.entries(input).some(([key, value]) => key !== "id" && key !== "version" && value !== undefined),
    "Nothing to change",
  );

export const patientIdInput = z.object({ id: z.uuid() });

/** Merge `mergeId` into `keepId`: the kept chart stays, the other becomes its redirect. */
export const patientMergeInput = z
  .object({ keepId: z.uuid(), mergeId: z.uuid() })
  .refine((v) => v.keepId !== v.mergeId, { message: "Choose two different charts", path: ["mergeId"] });

/** The practice's MRN prefix (blank: digits only). */
export const mrnSettingsInput = z.object({
  prefix: z
    .string()
    .trim()
    .max(12, "At most 12 characters")
    .regex(/^[A-Za-z0-9-]*$/, "Letters, digits and dashes only"),
});

/** Rows per page of the patient list (server-rendered first page and "Load more"). */
export const PATIENT_PAGE_SIZE = 25;

export const patientListInput = z
  .object({
    search: z.string().trim().max(100).optional(),
    cursor: z.string().max(500).nullish(),
    limit: z.number().int().min(1).max(100).default(PATIENT_PAGE_SIZE),
    sort: z.enum(["name", "lastVisit"]).default("name"),
    includeArchived: z.boolean().default(false),
  })
  .default({ limit: PATIENT_PAGE_SIZE, sort: "name", includeArchived: false });

export type PatientListInput = z.output<typeof patientListInput>;
