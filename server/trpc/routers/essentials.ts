import {
  allergyCreateInput,
  chartEssentialsInput,
  essentialErrorInput,
  medicationCreateInput,
  medicationStopInput,
  noKnownAllergiesInput,
  problemCreateInput,
  problemResolveInput,
  vitalsRecordInput,
} from "@/lib/schemas/essentials";
import { chartEssentials } from "@/server/essentials/read";
import {
  markEssentialInError,
  recordAllergy,
  recordMedication,
  recordNoKnownAllergies,
  recordProblem,
  recordVitals,
  resolveProblem,
  stopMedication,
} from "@/server/essentials/write";
import { memberProcedure, router, signedInProcedure } from "@/server/trpc/init";

/** `essentials.*`: the chart's problems, allergies, medications and vitals (server/essentials/). */
export const essentialsRouter = router({
  forChart: signedInProcedure.input(chartEssentialsInput).query(({ ctx, input }) => chartEssentials(ctx, input)),
  recordProblem: memberProcedure.input(problemCreateInput).mutation(({ ctx, input }) => recordProblem(ctx, input)),
  resolveProblem: memberProcedure.input(problemResolveInput).mutation(({ ctx, input }) => resolveProblem(ctx, input)),
  recordAllergy: memberProcedure.input(allergyCreateInput).mutation(({ ctx, input }) => recordAllergy(ctx, input)),
  recordNoKnownAllergies: memberProcedure
    .input(noKnownAllergiesInput)
    .mutation(({ ctx, input }) => recordNoKnownAllergies(ctx, input)),
  recordMedication: memberProcedure
    .input(medicationCreateInput)
    .mutation(({ ctx, input }) => recordMedication(ctx, input)),
  stopMedication: memberProcedure.input(medicationStopInput).mutation(({ ctx, input }) => stopMedication(ctx, input)),
  recordVitals: memberProcedure.input(vitalsRecordInput).mutation(({ ctx, input }) => recordVitals(ctx, input)),
  markInError: memberProcedure
    .input(essentialErrorInput)
    .mutation(({ ctx, input }) => markEssentialInError(ctx, input)),
});
