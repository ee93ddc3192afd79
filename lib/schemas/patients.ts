import { z } from "zod";
import { calendarDate } from "./dates";

/** Shared by the tRPC procedures and the forms, so both reject the same input the same way. */
const today = () => new Date().toISOString().slice(0, 10);

export const patientFields = z.object({
  mrn: z
    .string()
    .trim()
    .min(1, "MRN is required")
    .max(40)
    .regex(/^[A-Za-z0-9-]+$/, "Letters, digits and dashes only"),
  givenName: z.string().trim().min(1, "Given name is required").max(100),
  familyName: z.string().trim().min(1, "Family name is required").max(100),
  birthDate: calendarDate("Enter a date such as 4 Apr 1979").refine(
    (d) => d >= "1900-01-01" && d <= today(),
    "Birth date must be between 1900 and today",
  ),
  sex: z.enum(["female", "male", "other", "unknown"]),
  phone: z
    .string()
    .trim()
    .max(30)
    .regex(/^[0-9+()\-. ]*$/, "Digits, spaces and + ( ) - . only")
    .transform((v) => v || null)
    .nullish(),
  email: z
    .union([z.literal(""), z.email("Enter a valid email address").max(320)])
    .transform((v) => v || null)
    .nullish(),
});

export const patientCreateInput = patientFields;

export const patientUpdateInput = patientFields
  .omit({ mrn: true })
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
