import { auditListInput } from "@/lib/schemas/admin";
import { accessStats, listAuditEvents } from "@/server/audit/queries";
import { adminProcedure, router } from "@/server/trpc/init";

export const auditRouter = router({
  list: adminProcedure.input(auditListInput).query(({ ctx, input }) => listAuditEvents(ctx, input)),
  accessStats: adminProcedure.query(({ ctx }) => accessStats(ctx.tx)),
});
