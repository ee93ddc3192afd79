import { patientCreateInput, patientIdInput, patientListInput, patientUpdateInput } from "@/lib/schemas/patients";
import { openChart, patientCareTeam } from "@/server/patients/chart";
import { archivePatient, createPatient, restorePatient, updatePatient } from "@/server/patients/edit";
import { patientList } from "@/server/patients/list";
import { adminProcedure, memberProcedure, router, signedInProcedure } from "@/server/trpc/init";

/** `patients.*`: the caller's patients, as the policies show them (server/patients/). */
export const patientsRouter = router({
  list: signedInProcedure.input(patientListInput).query(({ ctx, input }) => patientList(ctx, input)),
  byId: signedInProcedure.input(patientIdInput).query(({ ctx, input }) => openChart(ctx, input)),
  careTeam: signedInProcedure.input(patientIdInput).query(({ ctx, input }) => patientCareTeam(ctx, input)),
  create: memberProcedure.input(patientCreateInput).mutation(({ ctx, input }) => createPatient(ctx, input)),
  update: signedInProcedure.input(patientUpdateInput).mutation(({ ctx, input }) => updatePatient(ctx, input)),
  archive: adminProcedure.input(patientIdInput).mutation(({ ctx, input }) => archivePatient(ctx, input)),
  restore: adminProcedure.input(patientIdInput).mutation(({ ctx, input }) => restorePatient(ctx, input)),
});
