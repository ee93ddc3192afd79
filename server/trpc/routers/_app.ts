import { createCallerFactory, router } from "../init";
import { meRouter } from "./me";
import { patientsRouter } from "./patients";

export const appRouter = router({
  me: meRouter,
  patients: patientsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
