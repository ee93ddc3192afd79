"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { bound } from "@/app/_components/field";
import { useTRPC } from "@/lib/trpc/client";

/**
 * Pick a patient by name or MRN (the admin's own practice, through admin.careTeam.patients); the
 * form submits the chosen patient's id as `patientId`. No UUID to paste.
 */
export function PatientPicker({ initial }: { initial: { id: string; label: string } | null }) {
  const trpc = useTRPC();
  const id = useId();
  const [term, setTerm] = useState("");
  const [debounced, setDebounced] = useState("");
  const [picked, setPicked] = useState(initial);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(term.trim()), 250);
    return () => clearTimeout(t);
  }, [term]);
  const results = useQuery({
    ...trpc.admin.careTeam.patients.queryOptions({ search: debounced, limit: 8 }),
    enabled: debounced.length >= 2 && !picked,
  });
  return (
    <div className="field patient-picker">
      <input type="hidden" name="patientId" value={picked?.id ?? ""} />
      {picked ? (
        <>
          <span className="label-like" id={`${id}-label`}>
            Patient
          </span>
          <p className="picked" aria-labelledby={`${id}-label`}>
            <span data-testid="picked-patient">{picked.label}</span>
            <button type="button" className="secondary" onClick={() => setPicked(null)}>
              Change <span className="visually-hidden">patient</span>
            </button>
          </p>
        </>
      ) : (
        <>
          <label htmlFor={`${id}-search`}>Patient (name or MRN)</label>
          <input
            id={`${id}-search`}
            type="search"
            {...bound(term, setTerm)}
            autoComplete="off"
            aria-describedby={`${id}-hint`}
          />
          <p id={`${id}-hint`} className="muted small">
            Type two or more letters, then choose.
          </p>
          {debounced.length >= 2 && (
            <ul className="picker-results" aria-label="Matching patients">
              {results.isLoading && <li role="status">Searching…</li>}
              {results.data?.items.length === 0 && <li role="status">No patient matches.</li>}
              {results.data?.items.map((p) => (
                <li key={p.id}>
                  <button
                    type="button"
                    className="link"
                    onClick={() => setPicked({ id: p.id, label: `${p.givenName} ${p.familyName} (${p.mrn})` })}
                  >
                    {p.givenName} {p.familyName} <span className="muted">({p.mrn})</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
