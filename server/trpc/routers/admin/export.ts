import { exportPageInput } from "@/lib/schemas/export";
import { exportPage } from "@/server/export/practice";
import { adminProcedure, router } from "@/server/trpc/init";

/** `admin.export.*`: the practice's data as FHIR resources, a page per request (server/export/practice.ts). */
export const exportRouter = router({
  page: adminProcedure.input(exportPageInput).query(({ ctx, input }) => exportPage(ctx, input)),
});
