import { z } from "zod";

/*
 * The chart's clinical essentials: problems, allergies, medications, vital signs. Shared by the
 * procedures, the forms and the tables' enums (server/db/schema/clinical-essentials.ts). The vital ranges are also the database's CHECKs
 * (drizzle/0024_clinical_essentials.sql); a test keeps the two equal.
 */

/** Plausible ranges, with their units: a value outside is a typing error, not a patient. */
export const VITAL_RANGES = {
  systolic: { min: 50, max: 260, unit: "mmHg", label: "Systolic" },
  diastolic: { min: 20, max: 160, unit: "mmHg", label: "Diastolic" },
  heartRate: { min: 20, max: 250, unit: "/min", label: "Pulse" },
  temperature: { min: 30, max: 45, unit: "°C", label: "Temperature" },
  weight: { min: 0.3, max: 400, unit: "kg", label: "Weight" },
  height: { min: 20, max: 250, unit: "cm", label: "Height" },
} as const;
export type VitalField = keyof typeof VITAL_RANGES;

export const MEDICATION_ROUTES = [
  "oral",
  "sublingual",
  "inhaled",
  "nasal",
  "topical",
  "transdermal",
  "subcutaneous",
  "intramuscular",
  "intravenous",
  "rectal",
] as const;

export const ALLERGY_SEVERITIES = ["mild", "moderate", "severe"] as const;
export const ALLERGY_CRITICALITIES = ["low", "high", "unable-to-assess"] as const;
export const CODE_SYSTEMS = ["icd-10", "snomed-ct"] as const;

// A form's empty field is "not given".
const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** A day no later than tomorrow: the browser's and the practice's today may differ by a day. */
const latestDay = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
const pastDay = z.iso
  .date("Use the form YYYY-MM-DD")
  .refine((d) => d >= "1900-01-01" && d <= latestDay(), "Choose a date between 1900 and today");
const optionalDay = z.preprocess(blank, pastDay.optional());
const optionalText = (max: number, tooLong: string) =>
  z.preprocess(blank, z.string().trim().min(2, "Write at least 2 characters").max(max, tooLong).optional());

const vital = (field: VitalField) => {
  const { min, max, unit, label } = VITAL_RANGES[field];
  const range = `${label} must be between ${min} and ${max} ${unit}`;
  return z.preprocess(blank, z.coerce.number(`${label} must be a number`).min(min, range).max(max, range).optional());
};

export const chartEssentialsInput = z.object({ patientId: z.uuid() });

export const problemCreateInput = z
  .object({
    patientId: z.uuid(),
    text: z.string().trim().min(2, "Name the problem").max(200, "Keep it under 200 characters"),
    codeSystem: z.preprocess(blank, z.enum(CODE_SYSTEMS).optional()),
    code: z.preprocess(
      blank,
      z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9.]{1,20}$/, "Letters, digits and dots only (up to 20)")
        .optional(),
    ),
    onsetOn: optionalDay,
    resolvedOn: optionalDay,
  })
  .refine((p) => !p.code || p.codeSystem, { path: ["codeSystem"], message: "Say which code system" })
  .refine((p) => !p.codeSystem || p.code, { path: ["code"], message: "Enter the code, or choose no system" })
  .refine((p) => !p.onsetOn || !p.resolvedOn || p.resolvedOn >= p.onsetOn, {
    path: ["resolvedOn"],
    message: "Resolved on or after the onset",
  });

export const problemResolveInput = z.object({ id: z.uuid(), resolvedOn: pastDay });

export const allergyCreateInput = z.object({
  patientId: z.uuid(),
  substance: z.string().trim().min(2, "Name the substance").max(120, "Keep it under 120 characters"),
  reaction: optionalText(200, "Keep it under 200 characters"),
  severity: z.preprocess(blank, z.enum(ALLERGY_SEVERITIES).optional()),
  criticality: z.preprocess(blank, z.enum(ALLERGY_CRITICALITIES).optional()),
});

export const noKnownAllergiesInput = z.object({ patientId: z.uuid() });

export const medicationCreateInput = z.object({
  patientId: z.uuid(),
  name: z.string().trim().min(2, "Name the medication").max(120, "Keep it under 120 characters"),
  dose: z.string().trim().min(1, "Give the dose, e.g. 500 mg").max(60, "Keep it under 60 characters"),
  frequency: z.string().trim().min(1, "Say how often, e.g. twice daily").max(60, "Keep it under 60 characters"),
  route: z.enum(MEDICATION_ROUTES, "Choose a route"),
  startedOn: optionalDay,
});

export const medicationStopInput = z.object({
  id: z.uuid(),
  stoppedOn: pastDay,
  stopReason: optionalText(200, "Keep the reason under 200 characters"),
});

export const vitalsRecordInput = z
  .object({
    patientId: z.uuid(),
    systolic: vital("systolic"),
    diastolic: vital("diastolic"),
    heartRate: vital("heartRate"),
    temperature: vital("temperature"),
    weight: vital("weight"),
    height: vital("height"),
  })
  .refine((v) => (v.systolic === undefined) === (v.diastolic === undefined), {
    path: ["diastolic"],
    message: "Blood pressure needs both systolic and diastolic",
  })
  .refine((v) => v.systolic === undefined || v.diastolic === undefined || v.diastolic < v.systolic, {
    path: ["diastolic"],
    message: "Diastolic must be below systolic",
  })
  .refine((v) => (Object.keys(VITAL_RANGES) as VitalField[]).some((k) => v[k] !== undefined), {
    path: ["systolic"],
    message: "Enter at least one measurement",
  });

export const ESSENTIAL_ENTRIES = ["problem", "allergy", "medication", "vital"] as const;
export type EssentialEntry = (typeof ESSENTIAL_ENTRIES)[number];

export const essentialErrorInput = z.object({
  entry: z.enum(ESSENTIAL_ENTRIES),
  id: z.uuid(),
  reason: z.string().trim().min(5, "Say why in at least 5 characters").max(500, "Keep the reason under 500 characters"),
});
