"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { describeError } from "@/lib/forms";
import { formatDateTime } from "@/lib/time";
import { useTRPC } from "@/lib/trpc/client";
import { DataTable } from "@/app/_components/data-table";

export interface GrantRow {
  id: string;
  clinicianName: string | null;
  patientName: string | null;
  patientMrn: string | null;
  reason: string;
  grantedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedByName: string | null;
  reviewedAt: Date | null;
  reviewerName: string | null;
  reviewComment: string | null;
  active: boolean;
}

/**
 * The practice's grants as a table (it scrolls inside its own box on a phone). A running grant has
 * "Revoke", which asks first; the outcome is announced here, outside the rows that re-render.
 */
export function GrantHistory({
  items,
  timeZone,
  firstPage,
}: {
  items: GrantRow[];
  timeZone: string;
  firstPage: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const revoke = useMutation(trpc.admin.breakGlass.revoke.mutationOptions());
  const at = (d: Date) => formatDateTime(d, timeZone);

  async function onRevoke(g: GrantRow) {
    try {
      await revoke.mutateAsync({ id: g.id });
      setMessage({
        ok: true,
        text: `Emergency access revoked: ${g.clinicianName ?? "The clinician"} can no longer open the chart of ${g.patientName ?? "this patient"}.`,
      });
      router.refresh();
    } catch (e) {
      setMessage({ ok: false, text: describeError(e).message });
    }
  }

  return (
    <>
      <div role="status" aria-live="polite">
        {message && <p className={message.ok ? "notice" : "alert"}>{message.text}</p>}
      </div>
      {items.length === 0 ? (
        <p className="empty">{firstPage ? "No emergency access has been granted yet." : "No older grants."}</p>
      ) : (
        // Focusable so a keyboard can scroll it on a phone (a page of expired grants has no button in it).
        <DataTable
          label="Emergency access grants"
          columns={["Clinician", "Patient", "Reason", "Granted", "Until", "Status", "Review"]}
          focusable
          className="grant-history"
        >
          {items.map((g) => (
            <tr key={g.id} className={g.active ? "emergency" : undefined}>
              <td data-label="Clinician">{g.clinicianName ?? "Unknown"}</td>
              <td data-label="Patient">
                {g.patientName ?? "Patient"} <span className="muted mrn">(MRN {g.patientMrn ?? "unknown"})</span>
              </td>
              <td data-label="Reason">{g.reason}</td>
              <td data-label="Granted">{at(g.grantedAt)}</td>
              <td data-label="Until">{at(g.expiresAt)}</td>
              <td data-label="Status">
                {g.revokedAt ? (
                  <>
                    Revoked {at(g.revokedAt)}
                    {g.revokedByName ? ` by ${g.revokedByName}` : ""}
                  </>
                ) : g.active ? (
                  <>
                    <span className="status-badge draft">Active</span>
                    <ConfirmButton
                      title="Revoke emergency access?"
                      confirmLabel="Revoke access"
                      body={
                        <p>
                          {g.clinicianName ?? "The clinician"} loses access to the chart of{" "}
                          {g.patientName ?? "this patient"} (MRN {g.patientMrn ?? "unknown"}) now. The grant stays in
                          the history and still needs its review.
                        </p>
                      }
                      onConfirm={() => onRevoke(g)}
                    >
                      Revoke
                      <span className="visually-hidden">
                        {" "}
                        access of {g.clinicianName} to {g.patientName}
                      </span>
                    </ConfirmButton>
                  </>
                ) : (
                  "Expired"
                )}
              </td>
              <td data-label="Review">
                {g.reviewedAt ? (
                  <>
                    Reviewed by {g.reviewerName ?? "an admin"}, {at(g.reviewedAt)}
                    {g.reviewComment ? `: ${g.reviewComment}` : ""}
                  </>
                ) : (
                  <span className="status-badge error">Awaiting review</span>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
