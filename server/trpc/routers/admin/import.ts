import { importBatchInput, importPreviewInput } from "@/lib/schemas/import";
import { importBatch, previewImport } from "@/server/patients/import";
import { adminProcedure, router } from "@/server/trpc/init";

/** `admin.import.*`: a roster file read and checked, then imported a batch per request (server/patients/import.ts). */
export const importRouter = router({
  // A mutation: the file travels in the request body, and the preview is audited.
  preview: adminProcedure.input(importPreviewInput).mutation(({ ctx, input }) => previewImport(ctx, input)),
  batch: adminProcedure.input(importBatchInput).mutation(({ ctx, input }) => importBatch(ctx, input)),
});
