import {
  duplicateCheckInput,
  mrnSettingsInput,
  patientCreateInput,
  patientIdInput,
  patientListInput,
  patientMergeInput,
  patientUpdateInput,
} from "@/lib/schemas/patients";
import { openChart, patientCareTeam } from "@/server/patients/chart";
import { archivePatient, createPatient, restorePatient, updatePatient } from "@/server/patients/edit";
import { checkDuplicates } from "@/server/patients/duplicates";
import { patientList } from "@/server/patients/list";
import { chartRedirect, mergePatients } from "@/server/patients/merge";
import { mrnSettings, setMrnPrefix } from "@/server/patients/mrn";
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
  duplicates: memberProcedure.input(duplicateCheckInput).query(({ ctx, input }) => checkDuplicates(ctx, input)),
  merge: adminProcedure.input(patientMergeInput).mutation(({ ctx, input }) => mergePatients(ctx, input)),
  redirect: signedInProcedure.input(patientIdInput).query(({ ctx, input }) => chartRedirect(ctx, input)),
  mrnSettings: memberProcedure.query(({ ctx }) => mrnSettings(ctx)),
  setMrnPrefix: adminProcedure.input(mrnSettingsInput).mutation(({ ctx, input }) => setMrnPrefix(ctx, input)),
});
