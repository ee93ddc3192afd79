"use client";

import { useMutation } from "@tanstack/react-query";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { Field } from "@/app/_components/field";
import { describeError } from "@/lib/forms";
import { ALLERGY_CRITICALITIES, ALLERGY_SEVERITIES, allergyCreateInput } from "@/lib/schemas/essentials";
import { formatDateTime } from "@/lib/time";
import { useTRPC } from "@/lib/trpc/client";
import { useState } from "react";
import { AddForm, EnterInError, Provenance, useReader, useRefresh, type Essentials } from "./kit";

type Allergy = Essentials["allergies"][number];

const CRITICALITY: Record<string, string> = {
  low: "low criticality",
  high: "high criticality",
  "unable-to-assess": "criticality not assessed",
};

const standing = (a: Allergy) => a.clinicalStatus === "active" && !a.errorAt;
const describe = (a: Allergy) =>
  [a.reaction, a.severity, a.criticality && CRITICALITY[a.criticality]].filter(Boolean).join(", ");

/**
 * The first thing the chart says: active allergies, "No known allergies" as recorded, or
 * "Allergies not recorded" — three different statements, told apart by colour and words.
 * `hidden`: the reader is not clinically in reach (an admin off the care team) and must not be
 * told "not recorded".
 */
export function AllergyBanner({ allergies, hidden }: { allergies: Allergy[]; hidden: boolean }) {
  const { timeZone } = useReader();
  if (hidden) {
    return (
      <p className="allergy-banner unknown" data-testid="allergy-banner">
        Allergies, problems, medications and vitals are shown to the patient&apos;s care team only.
      </p>
    );
  }
  const active = allergies.filter((a) => standing(a) && a.kind === "allergy");
  const nka = allergies.find((a) => standing(a) && a.kind === "no_known_allergies");
  if (active.length) {
    return (
      <section className="allergy-banner danger" aria-label="Allergy alert" data-testid="allergy-banner">
        <strong>Allergies:</strong>{" "}
        <ul className="inline-list">
          {active.map((a) => (
            <li key={a.id}>
              <strong>{a.substance}</strong>
              {describe(a) && ` (${describe(a)})`}
            </li>
          ))}
        </ul>
      </section>
    );
  }
  if (nka) {
    return (
      <p className="allergy-banner none" data-testid="allergy-banner">
        <strong>No known allergies</strong>{" "}
        <span>
          · recorded by {nka.recordedByName ?? "a colleague"}, {formatDateTime(nka.recordedAt, timeZone)}
        </span>
      </p>
    );
  }
  return (
    <p className="allergy-banner unknown" data-testid="allergy-banner">
      <strong>Allergies not recorded.</strong> Ask the patient and record them, or record “no known allergies”.
    </p>
  );
}

export function AllergiesCard({ allergies }: { allergies: Allergy[] }) {
  const trpc = useTRPC();
  const { patientId, userId, canWrite } = useReader();
  const cardRefresh = useRefresh();
  const record = useMutation(trpc.essentials.recordAllergy.mutationOptions());
  const none = useMutation(trpc.essentials.recordNoKnownAllergies.mutationOptions());
  const [noneError, setNoneError] = useState<string | null>(null);
  const current = allergies.filter(standing);
  const past = allergies.filter((a) => !standing(a));
  const hasActiveAllergy = current.some((a) => a.kind === "allergy");
  const hasNka = current.some((a) => a.kind === "no_known_allergies");
  const label = (a: Allergy) => (a.kind === "allergy" ? (a.substance ?? "Allergy") : "No known allergies");
  return (
    <section className="card essentials-card" aria-labelledby="allergies-heading">
      <h2 id="allergies-heading">Allergies</h2>
      {current.length === 0 ? (
        <p className="empty">Not recorded.</p>
      ) : (
        <ul className="plain entries">
          {current.map((a) => (
            <li key={a.id}>
              <div>
                <strong>{label(a)}</strong>
                {describe(a) && <span> · {describe(a)}</span>}
                <br />
                <Provenance entry={a} />
              </div>
              {canWrite && a.recordedBy === userId && <EnterInError entry="allergy" id={a.id} what={label(a)} />}
            </li>
          ))}
        </ul>
      )}
      {past.length > 0 && (
        <details>
          <summary>Inactive and entered in error ({past.length})</summary>
          <ul className="plain entries">
            {past.map((a) => (
              <li key={a.id} className={a.errorAt ? "in-error" : undefined}>
                <div>
                  <span className="entry-text">{label(a)}</span>{" "}
                  {a.errorAt ? (
                    <span className="status-badge error">Entered in error</span>
                  ) : (
                    <span className="status-badge">Inactive</span>
                  )}
                  <br />
                  <Provenance entry={a} />
                </div>
              </li>
            ))}
          </ul>
        </details>
      )}
      {canWrite && (
        <>
          {!hasActiveAllergy && !hasNka && (
            <p className="actions">
              <ConfirmButton
                tone="primary"
                title="Record “no known allergies”?"
                body="Record this only when you have asked the patient. It is kept with your name and the time."
                confirmLabel="Record no known allergies"
                onConfirm={async () => {
                  setNoneError(null);
                  try {
                    await none.mutateAsync({ patientId });
                    cardRefresh.refresh();
                  } catch (err) {
                    setNoneError(describeError(err).message);
                  }
                }}
              >
                Record no known allergies
              </ConfirmButton>
            </p>
          )}
          {noneError && (
            <p className="alert" role="alert">
              {noneError}
            </p>
          )}
          <AddForm
            label="Record an allergy"
            submitLabel="Record allergy"
            done="Allergy recorded."
            schema={allergyCreateInput}
            submit={(input) => record.mutateAsync(input)}
            refresh={cardRefresh}
          >
            {(errors) => (
              <>
                {hasNka && (
                  <p className="muted">Recording an allergy ends the “no known allergies” statement as of today.</p>
                )}
                <Field label="Substance" name="substance" error={errors.substance} autoComplete="off" />
                <Field label="Reaction (optional)" name="reaction" error={errors.reaction} autoComplete="off" />
                <div className="field-row">
                  <Field as="select" label="Severity" name="severity" error={errors.severity} defaultValue="">
                    <option value="">Not stated</option>
                    {ALLERGY_SEVERITIES.map((s) => (
                      <option key={s} value={s}>
                        {s[0].toUpperCase() + s.slice(1)}
                      </option>
                    ))}
                  </Field>
                  <Field as="select" label="Criticality" name="criticality" error={errors.criticality} defaultValue="">
                    <option value="">Not stated</option>
                    {ALLERGY_CRITICALITIES.map((c) => (
                      <option key={c} value={c}>
                        {c === "unable-to-assess" ? "Unable to assess" : c[0].toUpperCase() + c.slice(1)}
                      </option>
                    ))}
                  </Field>
                </div>
              </>
            )}
          </AddForm>
        </>
      )}
    </section>
  );
}
