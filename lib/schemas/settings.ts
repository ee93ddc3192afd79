import { z } from "zod";
import { isTimeZone } from "@/lib/time";

/** A practice's time zone: an IANA name the runtime knows. */
export const timeZoneInput = z.object({
  timeZone: z
    .string()
    .trim()
    .min(1, "Choose a time zone")
    .max(64)
    .refine(isTimeZone, { message: "Choose a time zone from the list" }),
});
