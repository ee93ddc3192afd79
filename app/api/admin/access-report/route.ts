import { accessReportInput } from "@/lib/schemas/access";
import { accessReportCsv, accessReportPdf } from "@/server/access/export";
import { createContext } from "@/server/trpc/context";
import { errorResponse } from "@/server/trpc/http-error";
import { createCaller } from "@/server/trpc/routers/_app";

export const dynamic = "force-dynamic";

/** The access report as CSV or PDF: the same admin.access.report procedure (audited, admin-only). */
export async function GET(req: Request) {
  const caller = createCaller(await createContext({ headers: req.headers }));
  const params = Object.fromEntries(new URL(req.url).searchParams);
  const parsed = accessReportInput.safeParse(params);
  const format = params.format === "pdf" ? "pdf" : "csv";
  if (!parsed.success) return new Response("Invalid filters.\n", { status: 400 });
  try {
    const report = await caller.admin.access.report(parsed.data);
    const name = `access-report-${report.patient.mrn.replace(/[^A-Za-z0-9-]/g, "")}-${report.from}-${report.to}.${format}`;
    const headers = { "content-disposition": `attachment; filename="${name}"`, "cache-control": "no-store" };
    if (format === "csv")
      return new Response(accessReportCsv(report.rows), {
        headers: { ...headers, "content-type": "text/csv; charset=utf-8" },
      });
    const pdf = await accessReportPdf(
      {
        practice: report.practice,
        patientName: report.patient.name,
        mrn: report.patient.mrn,
        birthDate: report.patient.birthDate,
        from: report.from,
        to: report.to,
        generatedAt: report.generatedAt,
        generatedBy: report.generatedBy,
      },
      report.rows,
    );
    return new Response(Buffer.from(pdf), { headers: { ...headers, "content-type": "application/pdf" } });
  } catch (err) {
    return errorResponse(err);
  }
}
