import { z } from "zod";
import { calendarDate } from "./dates";

export const explainInput = z.object({ memberId: z.uuid(), patientId: z.uuid() });

const day = calendarDate("Enter a date such as 31 Jan 2026");

/** An inclusive range of calendar days (UTC); at most ~3 years. */
export const accessReportInput = z
  .object({ patientId: z.uuid(), from: day, to: day })
  .refine((v) => v.from <= v.to, { path: ["to"], message: "The end date is before the start date" })
  .refine((v) => Date.parse(v.to) - Date.parse(v.from) <= 1100 * 24 * 3600_000, {
    path: ["from"],
    message: "Choose at most three years",
  });
