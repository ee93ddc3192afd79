import { z } from "zod";
import { calendarDate } from "./dates";
import { AUDIT_ACTION_NAMES } from "@/server/audit/actions";

export const memberRoleInput = z.enum(["admin", "clinician"]);

export const memberUserInput = z.object({ userId: z.uuid() });
export const memberRoleChangeInput = memberUserInput.extend({ role: memberRoleInput });
export const memberStatusInput = memberUserInput.extend({ status: z.enum(["active", "suspended"]) });

export const careTeamListInput = z.object({
  unassignedOnly: z.boolean().default(false),
  search: z.string().trim().max(100).optional(),
  cursor: z.string().max(500).nullish(),
  limit: z.number().int().min(1).max(100).default(25),
});
export type CareTeamListInput = z.output<typeof careTeamListInput>;
export const careTeamAssignInput = z.object({
  clinicianId: z.uuid(),
  patientIds: z.array(z.uuid()).min(1, "Choose at least one patient").max(200),
});
export const careTeamUnassignInput = z.object({ clinicianId: z.uuid(), patientId: z.uuid() });

/** Audit filters; from/to are whole days (YYYY-MM-DD) in the practice's time zone, from ≤ to. */
const auditFilterFields = z.object({
  actorId: z.uuid({ error: "Choose an actor from the list" }).optional(),
  patientId: z.uuid({ error: "Choose a patient from the list" }).optional(),
  action: z.enum(AUDIT_ACTION_NAMES).optional(),
  from: calendarDate("Enter the start date such as 4 Apr 2026").optional(),
  to: calendarDate("Enter the end date such as 4 Apr 2026").optional(),
});
const fromNotAfterTo = (v: { from?: string; to?: string }) => !v.from || !v.to || v.from <= v.to;
const rangeMessage = {
  path: ["to"],
  message: "The end date is before the start date: choose an end date on or after the start date.",
};
export const auditFilterInput = auditFilterFields.refine(fromNotAfterTo, rangeMessage);
export const auditListInput = auditFilterFields
  .extend({
    cursor: z.string().max(200).nullish(),
    limit: z.number().int().min(1).max(1000).default(50),
  })
  .refine(fromNotAfterTo, rangeMessage);
export type AuditListInput = z.output<typeof auditListInput>;
