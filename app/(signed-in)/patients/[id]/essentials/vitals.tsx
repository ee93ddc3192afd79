"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Field } from "@/app/_components/field";
import { VITAL_RANGES, vitalsRecordInput, type VitalField } from "@/lib/schemas/essentials";
import { formatDateTime, formatDay } from "@/lib/time";
import { useTRPC } from "@/lib/trpc/client";
import { AddForm, PastEntry, useReader, type Essentials } from "./kit";

type Vital = Essentials["vitals"][number];
type Kind = Vital["kind"];

const KINDS: { kind: Kind; label: string; unit: string }[] = [
  { kind: "blood_pressure", label: "Blood pressure", unit: "mmHg" },
  { kind: "heart_rate", label: "Pulse", unit: "/min" },
  { kind: "body_temperature", label: "Temperature", unit: "°C" },
  { kind: "body_weight", label: "Weight", unit: "kg" },
  { kind: "body_height", label: "Height", unit: "cm" },
];
const labelOf = (kind: Kind) => KINDS.find((k) => k.kind === kind)!;
const reading = (v: Vital) =>
  `${v.kind === "blood_pressure" ? `${v.value}/${v.diastolic}` : v.value} ${labelOf(v.kind).unit}`;

const FIELDS: VitalField[] = ["systolic", "diastolic", "heartRate", "temperature", "weight", "height"];

export function VitalsCard({ vitals }: { vitals: Vital[] }) {
  const trpc = useTRPC();
  const { canWrite, timeZone } = useReader();
  const record = useMutation(trpc.essentials.recordVitals.mutationOptions());
  const valid = vitals.filter((v) => !v.errorAt);
  const latest = KINDS.map((k) => ({ ...k, last: valid.filter((v) => v.kind === k.kind).at(-1) }));
  const charted = KINDS.filter((k) => valid.filter((v) => v.kind === k.kind).length >= 2);
  const [kind, setKind] = useState<Kind>(charted[0]?.kind ?? "blood_pressure");
  const series = valid
    .filter((v) => v.kind === kind)
    .map((v) => ({ day: formatDay(v.effectiveAt, timeZone), value: v.value, diastolic: v.diastolic }));
  const unit = labelOf(kind).unit;
  return (
    <section className="card essentials-card vitals-card" aria-labelledby="vitals-heading">
      <h2 id="vitals-heading">Vital signs</h2>
      {valid.length === 0 ? (
        <p className="empty">No vital signs recorded.</p>
      ) : (
        <div className="vitals-body">
          <dl className="vitals-latest">
            {latest.map((k) => (
              <div key={k.kind}>
                <dt>{k.label}</dt>
                <dd>
                  {k.last ? (
                    <>
                      <strong>{reading(k.last)}</strong>
                      <span className="muted"> {formatDay(k.last.effectiveAt, timeZone)}</span>
                    </>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </dd>
              </div>
            ))}
          </dl>
          {charted.length > 0 && (
            <div className="vitals-trend">
              <label htmlFor="vitals-trend-kind">Trend</label>
              <select id="vitals-trend-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
                {charted.map((k) => (
                  <option key={k.kind} value={k.kind}>
                    {k.label} ({k.unit})
                  </option>
                ))}
              </select>
              <figure
                className="chart-box small"
                aria-label={`${labelOf(kind).label} over time: ${series
                  .map((s) => `${s.day} ${s.diastolic ? `${s.value}/${s.diastolic}` : s.value} ${unit}`)
                  .join(", ")}`}
              >
                <ResponsiveContainer width="100%" height="100%">
                  <LineChart data={series} margin={{ top: 8, right: 24, bottom: 0, left: -12 }}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="day" fontSize={11} />
                    <YAxis fontSize={11} domain={["auto", "auto"]} />
                    <Tooltip formatter={(v) => `${v} ${unit}`} />
                    <Line
                      dataKey="value"
                      name={kind === "blood_pressure" ? "Systolic" : labelOf(kind).label}
                      stroke="#1f5fbf"
                      strokeWidth={2}
                      isAnimationActive={false}
                    />
                    {kind === "blood_pressure" && (
                      <Line
                        dataKey="diastolic"
                        name="Diastolic"
                        stroke="#b54708"
                        strokeWidth={2}
                        isAnimationActive={false}
                      />
                    )}
                  </LineChart>
                </ResponsiveContainer>
              </figure>
            </div>
          )}
        </div>
      )}
      {vitals.length > 0 && (
        <details>
          <summary>All measurements ({vitals.length})</summary>
          <ul className="plain entries">
            {vitals.toReversed().map((v) => (
              <PastEntry key={v.id} entry={v} kind="vital" what={`${labelOf(v.kind).label} ${reading(v)}`}>
                <span className="muted"> · measured {formatDateTime(v.effectiveAt, timeZone)}</span>
              </PastEntry>
            ))}
          </ul>
        </details>
      )}
      {canWrite && (
        <AddForm
          label="Record vital signs"
          submitLabel="Record vital signs"
          done="Measurements recorded."
          schema={vitalsRecordInput}
          submit={(input) => record.mutateAsync(input)}
        >
          {(errors) => (
            <>
              <p className="muted">Measured now. Fill in what you measured.</p>
              <div className="vitals-fields">
                {FIELDS.map((f) => {
                  const r = VITAL_RANGES[f];
                  return (
                    <Field
                      key={f}
                      label={`${r.label} (${r.unit})`}
                      name={f}
                      type="number"
                      inputMode="decimal"
                      step={f === "temperature" || f === "weight" ? "0.1" : "1"}
                      min={r.min}
                      max={r.max}
                      error={errors[f]}
                    />
                  );
                })}
              </div>
            </>
          )}
        </AddForm>
      )}
    </section>
  );
}
