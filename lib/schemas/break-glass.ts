import { z } from "zod";

export const directoryInput = z.object({ search: z.string().trim().min(2, "Type at least 2 characters").max(100) });
export const breakGlassRequestInput = z.object({
  patientId: z.uuid(),
  reason: z.string().trim().min(10, "Explain the emergency in at least 10 characters").max(1000),
});
export const breakGlassListInput = z
  .object({ unreviewedOnly: z.boolean().default(true) })
  .default({ unreviewedOnly: true });
export const breakGlassReviewInput = z.object({
  id: z.uuid(),
  comment: z.string().trim().min(3, "Add a short review comment").max(1000),
});
/** The admin's grant history: keyset pages, newest first. */
export const breakGlassHistoryInput = z
  .object({ cursor: z.string().max(500).nullish(), limit: z.number().int().min(1).max(100).default(20) })
  .default({ limit: 20 });
/** One grant, to revoke (admin) or to end (its own grantee). */
export const breakGlassGrantInput = z.object({ id: z.uuid() });
