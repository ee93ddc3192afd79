import {
  appointmentCancelInput,
  appointmentCreateInput,
  appointmentListInput,
  scheduleInput,
  schedulingCliniciansInput,
} from "@/lib/schemas/appointments";
import { bookAppointment, bookingClinicians, cancelAppointment } from "@/server/appointments/booking";
import { patientAppointments } from "@/server/appointments/patient-visits";
import { schedule } from "@/server/appointments/schedule";
import { memberProcedure, router, signedInProcedure } from "@/server/trpc/init";

/** `appointments.*`: a patient's visits, booking and cancelling, the schedule (Today) (server/appointments/). */
export const appointmentsRouter = router({
  list: signedInProcedure.input(appointmentListInput).query(({ ctx, input }) => patientAppointments(ctx, input)),
  clinicians: signedInProcedure
    .input(schedulingCliniciansInput)
    .query(({ ctx, input }) => bookingClinicians(ctx, input)),
  create: memberProcedure.input(appointmentCreateInput).mutation(({ ctx, input }) => bookAppointment(ctx, input)),
  schedule: signedInProcedure.input(scheduleInput).query(({ ctx, input }) => schedule(ctx, input)),
  cancel: signedInProcedure.input(appointmentCancelInput).mutation(({ ctx, input }) => cancelAppointment(ctx, input)),
});
