import { z } from "zod";

/** What the practice's bulk export writes, one ndjson file per type. */
export const EXPORT_TYPES = ["Patient", "Practitioner", "Appointment", "DocumentReference"] as const;
export type ExportType = (typeof EXPORT_TYPES)[number];

/** Resources per page: one request's transaction, and what the download holds in memory at once. */
export const EXPORT_PAGE_SIZE = 500;

export const exportPageInput = z.object({
  /** One download's pages share it in their audit rows. */
  exportId: z.uuid(),
  resourceType: z.enum(EXPORT_TYPES),
  /** The last id of the previous page (keyset); none for the first page. */
  after: z.uuid().nullish(),
  limit: z.number().int().min(1).max(1000).default(EXPORT_PAGE_SIZE),
});
export type ExportPageInput = z.output<typeof exportPageInput>;
