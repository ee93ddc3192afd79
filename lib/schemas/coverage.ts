import { z } from "zod";

export const COVERAGE_MAX_DAYS = 30;

/** Cover from now until `endsAt` (at most 30 days; the table's CHECK says so too). */
export const coverageInput = z
  .object({
    coveringId: z.uuid("Choose who covers"),
    /** Omitted by a clinician: they hand over their own panel. An admin names the covered clinician. */
    coveredId: z.uuid().optional(),
    endsAt: z.coerce.date("Choose when the cover ends"),
    reason: z
      .string()
      .trim()
      .min(5, "Give a reason of at least 5 characters")
      .max(300, "Keep the reason under 300 characters"),
  })
  .refine((v) => v.endsAt.getTime() > Date.now(), { path: ["endsAt"], message: "The end must be in the future" })
  .refine((v) => v.endsAt.getTime() <= Date.now() + COVERAGE_MAX_DAYS * 24 * 3600_000, {
    path: ["endsAt"],
    message: `Cover lasts at most ${COVERAGE_MAX_DAYS} days`,
  });

export const coveragePreviewInput = coverageInput;
export const coverageIdInput = z.object({ id: z.uuid() });
