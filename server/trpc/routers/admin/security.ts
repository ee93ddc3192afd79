import { securityPosture } from "@/server/security/practice-posture";
import { adminProcedure, router } from "@/server/trpc/init";

/** `admin.security.*`: the database's security posture as this request sees it (server/security/). */
export const securityRouter = router({
  posture: adminProcedure.query(({ ctx }) => securityPosture(ctx)),
});
