import { breakGlassGrantInput, breakGlassRequestInput, directoryInput } from "@/lib/schemas/break-glass";
import { searchDirectory } from "@/server/break-glass/directory";
import { endMyAccess, myGrants, requestAccess } from "@/server/break-glass/grants";
import { memberProcedure, router, signedInProcedure } from "@/server/trpc/init";

/** `breakGlass.*`: the practice directory and emergency access, for the caller (server/break-glass/). */
export const breakGlassRouter = router({
  directory: signedInProcedure.input(directoryInput).query(({ ctx, input }) => searchDirectory(ctx, input)),
  request: memberProcedure.input(breakGlassRequestInput).mutation(({ ctx, input }) => requestAccess(ctx, input)),
  mine: signedInProcedure.query(({ ctx }) => myGrants(ctx)),
  end: memberProcedure.input(breakGlassGrantInput).mutation(({ ctx, input }) => endMyAccess(ctx, input)),
});
