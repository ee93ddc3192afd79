import { z } from "zod";

export const appointmentListInput = z.object({ patientId: z.uuid() });

export const appointmentCreateInput = z
  .object({
    patientId: z.uuid(),
    startsAt: z.coerce.date({ error: "Enter a valid start time" }),
    durationMinutes: z.coerce.number().int().min(5, "At least 5 minutes").max(480, "At most 8 hours"),
    reason: z.string().trim().min(1, "Give a reason for the visit").max(500),
  })
  .refine((v) => v.startsAt.getTime() > Date.now() - 60_000, { path: ["startsAt"], message: "Choose a time in the future" });

export const appointmentCancelInput = z.object({ id: z.uuid() });
