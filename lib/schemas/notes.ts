import { z } from "zod";

const body = z.string().trim().min(1, "Write something first").max(20_000, "Notes are limited to 20,000 characters");

export const noteListInput = z.object({ patientId: z.uuid() });
export const noteCreateInput = z.object({ patientId: z.uuid(), body });
export const noteUpdateInput = z.object({ id: z.uuid(), body });
export const noteIdInput = z.object({ id: z.uuid() });
export const noteAddendumInput = z.object({ noteId: z.uuid(), body });
export const noteErrorInput = z.object({
  id: z.uuid(),
  reason: z.string().trim().min(5, "Say why in at least 5 characters").max(500, "Keep the reason under 500 characters"),
});
