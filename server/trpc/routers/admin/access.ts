import { AppError } from "@/server/errors";
import { eq } from "drizzle-orm";
import { accessReportInput, explainInput } from "../../../../lib/schemas/access";
import { explainAccess } from "../../../access/explain";
import { accessReport } from "../../../access/report";
import { audit } from "../../../audit/record";
import { organizations, patients, users } from "../../../db/schema";
import { adminProcedure, router } from "../../init";

/** For the practice's admins (privacy officer): why someone can see a patient, and who did. */
export const adminAccessRouter = router({
  /** The database's answer for one member × patient, evaluated as that member and rolled back. */
  explain: adminProcedure.input(explainInput).query(async ({ ctx, input }) => {
    const result = await explainAccess(ctx.tx, ctx.orgId, input.memberId, input.patientId);
    await audit(ctx, {
      action: "access.explain",
      entityId: input.patientId,
      patientId: input.patientId,
      detail: { memberId: input.memberId, canSee: result.canSee },
    });
    return result;
  }),

  /** Every recorded access to one patient in a date range, with the basis recorded at the time. */
  report: adminProcedure.input(accessReportInput).query(async ({ ctx, input }) => {
    const [patient] = await ctx.tx
      .select({
        id: patients.id,
        givenName: patients.givenName,
        familyName: patients.familyName,
        mrn: patients.mrn,
        birthDate: patients.birthDate,
      })
      .from(patients)
      .where(eq(patients.id, input.patientId));
    if (!patient) throw new AppError("NOT_FOUND", "Patient not found.");
    const rows = await accessReport(ctx.tx, input.patientId, input.from, input.to);
    const [org] = await ctx.tx
      .select({ name: organizations.name })
      .from(organizations)
      .where(eq(organizations.id, ctx.orgId));
    const [me] = await ctx.tx.select({ name: users.name }).from(users).where(eq(users.id, ctx.userId));
    await audit(ctx, {
      action: "access.report",
      entityId: patient.id,
      patientId: patient.id,
      detail: { from: input.from, to: input.to, rows: rows.length },
    });
    return {
      patient: { ...patient, name: `${patient.givenName} ${patient.familyName}` },
      practice: org?.name ?? "",
      generatedBy: me?.name ?? "",
      generatedAt: new Date(),
      from: input.from,
      to: input.to,
      rows,
    };
  }),
});
