import { z } from "zod";
import { parseDate } from "@/lib/time";

/**
 * A calendar day as every date input takes it: the app's format ("4 Apr 1979") or ISO, parsed by
 * the one parser (lib/time.ts parseDate) into "YYYY-MM-DD". An empty value is left for the field's
 * own optional/required rule.
 */
export const calendarDate = (message: string) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() ? (parseDate(v) ?? v) : v), z.iso.date(message));
