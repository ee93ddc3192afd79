import { coverageIdInput, coverageInput, coveragePreviewInput } from "@/lib/schemas/coverage";
import { arrangeCover, coverageClinicians, coverageList, endCover, previewCover } from "@/server/coverage/arrange";
import { memberProcedure, router, signedInProcedure } from "@/server/trpc/init";

/** `coverage.*`: a colleague covers a clinician for a time; the policies decide who may arrange what (server/coverage/). */
export const coverageRouter = router({
  clinicians: signedInProcedure.query(({ ctx }) => coverageClinicians(ctx)),
  list: signedInProcedure.query(({ ctx }) => coverageList(ctx)),
  preview: memberProcedure.input(coveragePreviewInput).mutation(({ ctx, input }) => previewCover(ctx, input)),
  create: memberProcedure.input(coverageInput).mutation(({ ctx, input }) => arrangeCover(ctx, input)),
  end: signedInProcedure.input(coverageIdInput).mutation(({ ctx, input }) => endCover(ctx, input)),
});
