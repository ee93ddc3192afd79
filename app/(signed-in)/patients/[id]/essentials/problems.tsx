"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Field } from "@/app/_components/field";
import { CODE_SYSTEMS, problemCreateInput, problemResolveInput } from "@/lib/schemas/essentials";
import { formatDate, isoDay } from "@/lib/time";
import { useTRPC } from "@/lib/trpc/client";
import { AddForm, DialogForm, CurrentEntry, PastEntry, useReader, type Essentials } from "./kit";

type Problem = Essentials["problems"][number];

const SYSTEM_LABEL: Record<string, string> = { "icd-10": "ICD-10", "snomed-ct": "SNOMED CT" };

function Dates({ p }: { p: Problem }) {
  const parts = [p.onsetOn && `since ${formatDate(p.onsetOn)}`, p.resolvedOn && `resolved ${formatDate(p.resolvedOn)}`];
  const text = parts.filter(Boolean).join(", ");
  return text ? <span> · {text}</span> : null;
}

export function ProblemsCard({ problems }: { problems: Problem[] }) {
  const trpc = useTRPC();
  const { canWrite, timeZone } = useReader();
  const record = useMutation(trpc.essentials.recordProblem.mutationOptions());
  const resolve = useMutation(trpc.essentials.resolveProblem.mutationOptions());
  const [resolving, setResolving] = useState<Problem | null>(null);
  const active = problems.filter((p) => p.clinicalStatus === "active" && !p.errorAt);
  const past = problems.filter((p) => p.clinicalStatus !== "active" || p.errorAt);
  const today = isoDay(new Date(), timeZone);
  return (
    <section className="card essentials-card" aria-labelledby="problems-heading">
      <h2 id="problems-heading">Problems</h2>
      {active.length === 0 ? (
        <p className="empty">No active problems recorded.</p>
      ) : (
        <ul className="plain entries">
          {active.map((p) => (
            <CurrentEntry
              key={p.id}
              entry={p}
              kind="problem"
              what={p.text}
              end="Resolved"
              onEnd={() => setResolving(p)}
            >
              {p.code && (
                <span className="muted">
                  {" "}
                  ({SYSTEM_LABEL[p.codeSystem ?? ""]} {p.code})
                </span>
              )}
              <Dates p={p} />
            </CurrentEntry>
          ))}
        </ul>
      )}
      {past.length > 0 && (
        <details>
          <summary>Resolved and entered in error ({past.length})</summary>
          <ul className="plain entries">
            {past.map((p) => (
              <PastEntry key={p.id} entry={p} kind="problem" what={p.text}>
                <Dates p={p} />
              </PastEntry>
            ))}
          </ul>
        </details>
      )}
      {canWrite && (
        <>
          <DialogForm
            open={resolving !== null}
            title={`Mark “${resolving?.text ?? ""}” resolved?`}
            confirmLabel="Mark resolved"
            tone="primary"
            schema={problemResolveInput}
            read={(d) => ({ id: resolving?.id, resolvedOn: d.get("problemResolvedOn") })}
            submit={(input) => resolve.mutateAsync(input)}
            onClose={() => setResolving(null)}
          >
            {(errors) => (
              <Field
                label="Resolved on"
                name="problemResolvedOn"
                type="date"
                defaultValue={today}
                max={today}
                error={errors.resolvedOn}
              />
            )}
          </DialogForm>
          <AddForm
            label="Record a problem"
            submitLabel="Record problem"
            done="Problem recorded."
            schema={problemCreateInput}
            submit={(input) => record.mutateAsync(input)}
          >
            {(errors) => (
              <>
                <Field label="Problem" name="text" error={errors.text} autoComplete="off" />
                <div className="field-row">
                  <Field
                    as="select"
                    label="Code system (optional)"
                    name="codeSystem"
                    error={errors.codeSystem}
                    defaultValue=""
                  >
                    <option value="">No code</option>
                    {CODE_SYSTEMS.map((s) => (
                      <option key={s} value={s}>
                        {SYSTEM_LABEL[s]}
                      </option>
                    ))}
                  </Field>
                  <Field label="Code" name="code" error={errors.code} autoComplete="off" />
                </div>
                <div className="field-row">
                  <Field label="Onset (optional)" name="onsetOn" type="date" max={today} error={errors.onsetOn} />
                  <Field
                    label="Resolved (optional)"
                    name="resolvedOn"
                    type="date"
                    max={today}
                    error={errors.resolvedOn}
                  />
                </div>
              </>
            )}
          </AddForm>
        </>
      )}
    </section>
  );
}
