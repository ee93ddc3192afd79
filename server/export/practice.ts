import { asc, gt, sql } from "drizzle-orm";
import type { ExportPageInput } from "@/lib/schemas/export";
import { audit } from "@/server/audit/record";
import type { Tx } from "@/server/db/client";
import { documentReferenceResource } from "@/server/fhir/resources/document-reference";
import { FHIR_TYPES } from "@/server/fhir/types";
import type { MemberCtx } from "@/server/request";

interface Page {
  resources: { resourceType: string; id: string }[];
  patientIds: string[];
}

/** Patients, Practitioners, Appointments: the FHIR API's own reads and mappers, in id order, as the policies show them. */
async function typedPage(tx: Tx, input: ExportPageInput): Promise<Page> {
  const t = FHIR_TYPES[input.resourceType];
  const rows = await t.rows(tx, input.after ? gt(t.idColumn, input.after) : undefined, [asc(t.idColumn)], input.limit);
  return {
    resources: rows.map((r) => t.resource(r)),
    patientIds: rows.flatMap((r) => t.patientOf(r) ?? []),
  };
}

interface NoteFacts {
  id: string;
  patient_id: string;
  author_id: string;
  status: "signed" | "entered_in_error";
  signed_at: Date;
  addendum_to: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/**
 * Signed notes as DocumentReferences without their text: an admin reads no note (minimum
 * necessary), so app_export_signed_notes() gives the practice's admin each signed note's facts and
 * nothing of what it says; the attachment names the note and carries no data.
 */
async function notePage(tx: Tx, input: ExportPageInput): Promise<Page> {
  const facts = await tx.execute<NoteFacts & Record<string, unknown>>(
    sql`select * from app_export_signed_notes(${input.after ?? null}::uuid, ${input.limit})`,
  );
  const resources = facts.map((n) => {
    const resource = documentReferenceResource({
      id: n.id,
      orgId: "",
      patientId: n.patient_id,
      authorId: n.author_id,
      body: "",
      status: n.status,
      signedAt: new Date(n.signed_at),
      addendumTo: n.addendum_to,
      errorReason: null,
      errorAt: null,
      version: n.version,
      createdAt: new Date(n.created_at),
      updatedAt: new Date(n.updated_at),
    });
    return {
      ...resource,
      content: [
        {
          attachment: {
            contentType: "text/plain; charset=utf-8",
            title: "Signed clinical note: its text is read by the patient's care team, not exported by an admin",
            creation: resource.date,
          },
        },
      ],
    };
  });
  return { resources, patientIds: facts.map((n) => n.patient_id) };
}

/**
 * One page of the practice's bulk export as FHIR resources, in the request's transaction as the
 * admin (the policies decide what exists), audited with the patients it named.
 */
export async function exportPage(ctx: MemberCtx, input: ExportPageInput) {
  const page =
    input.resourceType === "DocumentReference" ? await notePage(ctx.tx, input) : await typedPage(ctx.tx, input);
  await audit(ctx, {
    action: "practice.export",
    detail: {
      exportId: input.exportId,
      resourceType: input.resourceType,
      count: page.resources.length,
      patientIds: [...new Set(page.patientIds)],
    },
  });
  const last = page.resources.at(-1);
  return { resources: page.resources, after: page.resources.length === input.limit && last ? last.id : null };
}
