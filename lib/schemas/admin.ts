import { z } from "zod";
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

export const auditListInput = z.object({
  actorId: z.uuid().optional(),
  patientId: z.uuid().optional(),
  action: z.enum(AUDIT_ACTION_NAMES).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  cursor: z.string().max(200).nullish(),
  limit: z.number().int().min(1).max(1000).default(50),
});
export type AuditListInput = z.output<typeof auditListInput>;
