import { createCallerFactory, router } from "@/server/trpc/init";
import { adminRouter } from "./admin";
import { appointmentsRouter } from "./appointments";
import { breakGlassRouter } from "./break-glass";
import { coverageRouter } from "./coverage";
import { essentialsRouter } from "./essentials";
import { invitationsRouter } from "./invitations";
import { meRouter } from "./me";
import { notesRouter } from "./notes";
import { passwordResetRouter } from "./password-reset";
import { patientsRouter } from "./patients";
import { smartRouter } from "./smart";
import { ssoRouter } from "./sso";

export const appRouter = router({
  me: meRouter,
  patients: patientsRouter,
  appointments: appointmentsRouter,
  notes: notesRouter,
  essentials: essentialsRouter,
  breakGlass: breakGlassRouter,
  coverage: coverageRouter,
  admin: adminRouter,
  invitations: invitationsRouter,
  passwordReset: passwordResetRouter,
  sso: ssoRouter,
  smart: smartRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
