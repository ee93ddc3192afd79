import { accessReportInput, explainInput } from "@/lib/schemas/access";
import { explainMemberAccess } from "@/server/access/explain";
import { patientAccessReport } from "@/server/access/report";
import { adminProcedure, router } from "@/server/trpc/init";

/** For the practice's admins (privacy officer): why someone can see a patient, and who did (server/access/). */
export const adminAccessRouter = router({
  explain: adminProcedure.input(explainInput).query(({ ctx, input }) => explainMemberAccess(ctx, input)),
  report: adminProcedure.input(accessReportInput).query(({ ctx, input }) => patientAccessReport(ctx, input)),
});
