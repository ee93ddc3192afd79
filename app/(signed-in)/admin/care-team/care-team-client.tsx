"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmDialog } from "@/app/_components/confirm-dialog";
import { DataTable } from "@/app/_components/data-table";
import { bound, Field } from "@/app/_components/field";
import { Options } from "@/app/_components/options";
import { FormMessage } from "@/app/_components/form-message";
import { describeError } from "@/lib/forms";
import { useTRPC } from "@/lib/trpc/client";
import type { RouterOutputs } from "@/server/trpc/types";

type Clinician = RouterOutputs["admin"]["careTeam"]["clinicians"][number];
type Row = RouterOutputs["admin"]["careTeam"]["patients"]["items"][number];

export function CareTeamTable({ clinicians, items }: { clinicians: Clinician[]; items: Row[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [clinicianId, setClinicianId] = useState(clinicians[0]?.userId ?? "");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const onError = (e: unknown) => setMessage({ ok: false, text: describeError(e).message });
  const assign = useMutation(
    trpc.admin.careTeam.assign.mutationOptions({
      onSuccess: (r) => {
        setMessage({ ok: true, text: `Assigned ${r.assigned} patient${r.assigned === 1 ? "" : "s"}.` });
        setSelected(new Set());
        router.refresh();
      },
      onError,
    }),
  );
  const [removing, setRemoving] = useState<{
    clinicianId: string;
    clinician: string;
    patientId: string;
    patient: string;
  } | null>(null);
  const unassign = useMutation(
    trpc.admin.careTeam.unassign.mutationOptions({
      onSuccess: () => {
        if (removing)
          setMessage({ ok: true, text: `${removing.clinician} removed from ${removing.patient}'s care team.` });
        router.refresh();
      },
      onError,
      onSettled: () => setRemoving(null),
    }),
  );
  const toggle = (id: string) =>
    setSelected((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : new Set([...s, id])));

  return (
    <section aria-labelledby="ct-patients">
      <h2 id="ct-patients" className="visually-hidden">
        Patients and their teams
      </h2>
      <div className="filters">
        <Field as="select" label="Clinician" name="clinicianId" {...bound(clinicianId, setClinicianId)}>
          <Options items={clinicians} value={(c) => c.userId} label={(c) => c.name} />
        </Field>
        <button
          type="button"
          disabled={selected.size === 0 || !clinicianId || assign.isPending}
          onClick={() => assign.mutate({ clinicianId, patientIds: [...selected] })}
        >
          Assign selected ({selected.size})
        </button>
      </div>
      <FormMessage message={message} />
      {items.length === 0 ? (
        <p className="empty">No patients match.</p>
      ) : (
        <DataTable label="Care teams" className="stacked" columns={["Select", "Patient", "MRN", "Care team"]}>
          {items.map((p) => (
            <tr key={p.id}>
              <td data-label="Select">
                <label className="tap">
                  <input
                    type="checkbox"
                    aria-label={`Select ${p.givenName} ${p.familyName}`}
                    checked={selected.has(p.id)}
                    onChange={() => toggle(p.id)}
                  />
                </label>
              </td>
              <td data-label="Patient">
                <span className="name">
                  {p.familyName}, {p.givenName}
                </span>
              </td>
              <td data-label="MRN" className="mrn">
                {p.mrn}
              </td>
              <td data-label="Care team">
                {p.team.length === 0 ? (
                  <span className="badge bad">unassigned</span>
                ) : (
                  <ul className="chips">
                    {p.team.map((t) => (
                      <li key={t.clinicianId} className="chip">
                        {t.name}
                        <button
                          type="button"
                          className="chip-remove"
                          aria-haspopup="dialog"
                          aria-label={`Unassign ${t.name} from ${p.givenName} ${p.familyName}`}
                          onClick={() =>
                            setRemoving({
                              clinicianId: t.clinicianId,
                              clinician: t.name,
                              patientId: p.id,
                              patient: `${p.givenName} ${p.familyName}`,
                            })
                          }
                        >
                          <span aria-hidden="true">×</span>
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <ConfirmDialog
        open={removing !== null}
        title={
          removing ? `Remove ${removing.clinician} from ${removing.patient}'s care team?` : "Remove from the care team?"
        }
        confirmLabel="Remove from care team"
        busy={unassign.isPending}
        onCancel={() => setRemoving(null)}
        onConfirm={() =>
          removing && unassign.mutate({ clinicianId: removing.clinicianId, patientId: removing.patientId })
        }
      >
        <p>
          {removing?.clinician} no longer sees this patient&apos;s chart, notes or appointments (unless through cover or
          emergency access).
        </p>
      </ConfirmDialog>
    </section>
  );
}
