"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Field } from "@/app/_components/field";
import { MEDICATION_ROUTES, medicationCreateInput, medicationStopInput } from "@/lib/schemas/essentials";
import { formatDate, isoDay } from "@/lib/time";
import { useTRPC } from "@/lib/trpc/client";
import { AddForm, DialogForm, CurrentEntry, PastEntry, useReader, type Essentials } from "./kit";

type Medication = Essentials["medications"][number];

const title = (m: Medication) => `${m.name} ${m.dose}`;

function Details({ m }: { m: Medication }) {
  const parts = [
    m.frequency,
    m.route,
    m.startedOn && `since ${formatDate(m.startedOn)}`,
    m.stoppedOn && `stopped ${formatDate(m.stoppedOn)}${m.stopReason ? ` (${m.stopReason})` : ""}`,
  ];
  return <span> · {parts.filter(Boolean).join(", ")}</span>;
}

export function MedicationsCard({ medications }: { medications: Medication[] }) {
  const trpc = useTRPC();
  const { canWrite, timeZone } = useReader();
  const record = useMutation(trpc.essentials.recordMedication.mutationOptions());
  const stop = useMutation(trpc.essentials.stopMedication.mutationOptions());
  const [stopping, setStopping] = useState<Medication | null>(null);
  const current = medications.filter((m) => !m.stoppedOn && !m.errorAt);
  const past = medications.filter((m) => m.stoppedOn || m.errorAt);
  const today = isoDay(new Date(), timeZone);
  return (
    <section className="card essentials-card medications-card" aria-labelledby="medications-heading">
      <h2 id="medications-heading">Current medications</h2>
      {current.length === 0 ? (
        <p className="empty">No current medications recorded.</p>
      ) : (
        <ul className="plain entries">
          {current.map((m) => (
            <CurrentEntry
              key={m.id}
              entry={m}
              kind="medication"
              what={title(m)}
              end="Stop"
              onEnd={() => setStopping(m)}
            >
              <Details m={m} />
            </CurrentEntry>
          ))}
        </ul>
      )}
      {past.length > 0 && (
        <details>
          <summary>Stopped and entered in error ({past.length})</summary>
          <ul className="plain entries">
            {past.map((m) => (
              <PastEntry key={m.id} entry={m} kind="medication" what={title(m)}>
                <Details m={m} />
              </PastEntry>
            ))}
          </ul>
        </details>
      )}
      {canWrite && (
        <>
          <DialogForm
            open={stopping !== null}
            title={`Stop ${stopping ? title(stopping) : ""}?`}
            confirmLabel="Record stop"
            tone="primary"
            schema={medicationStopInput}
            read={(d) => ({ id: stopping?.id, stoppedOn: d.get("medStoppedOn"), stopReason: d.get("medStopReason") })}
            submit={(input) => stop.mutateAsync(input)}
            onClose={() => setStopping(null)}
          >
            {(errors) => (
              <>
                <p>Stopping is recorded with your name; the medication moves to the stopped list.</p>
                <Field
                  label="Stopped on"
                  name="medStoppedOn"
                  type="date"
                  defaultValue={today}
                  max={today}
                  error={errors.stoppedOn}
                />
                <Field label="Reason (optional)" name="medStopReason" error={errors.stopReason} />
              </>
            )}
          </DialogForm>
          <AddForm
            label="Record a medication"
            submitLabel="Record medication"
            done="Medication recorded."
            schema={medicationCreateInput}
            submit={(input) => record.mutateAsync(input)}
          >
            {(errors) => (
              <>
                <Field label="Medication" name="name" error={errors.name} autoComplete="off" />
                <div className="field-row">
                  <Field label="Dose" name="dose" hint="e.g. 500 mg" error={errors.dose} autoComplete="off" />
                  <Field
                    label="Frequency"
                    name="frequency"
                    hint="e.g. twice daily"
                    error={errors.frequency}
                    autoComplete="off"
                  />
                </div>
                <div className="field-row">
                  <Field as="select" label="Route" name="route" error={errors.route} defaultValue="oral">
                    {MEDICATION_ROUTES.map((r) => (
                      <option key={r} value={r}>
                        {r[0].toUpperCase() + r.slice(1)}
                      </option>
                    ))}
                  </Field>
                  <Field label="Started (optional)" name="startedOn" type="date" max={today} error={errors.startedOn} />
                </div>
              </>
            )}
          </AddForm>
        </>
      )}
    </section>
  );
}
