"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { ConsentInput } from "@/lib/schemas/smart";
import { useTRPC } from "@/lib/trpc/client";

/**
 * The consent screen's choices: the scopes in words, a patient (when the app works with one: only
 * patients the member sees are offered), Allow or Deny. Either answer sends the browser back to
 * the app's registered redirect URI.
 */
export function Consent({
  request,
  appName,
  scopes,
  patientNeeded,
}: {
  request: ConsentInput;
  appName: string;
  scopes: { scope: string; words: string }[];
  patientNeeded: boolean;
}) {
  const trpc = useTRPC();
  const [term, setTerm] = useState("");
  const [patientId, setPatientId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const patients = useQuery({
    ...trpc.patients.list.queryOptions({ search: term || undefined, limit: 10, sort: "name", includeArchived: false }),
    enabled: patientNeeded,
  });
  const allow = useMutation(trpc.smart.allow.mutationOptions());
  const deny = useMutation(trpc.smart.deny.mutationOptions());
  const pending = allow.isPending || deny.isPending || allow.isSuccess || deny.isSuccess;

  const go = async (answer: "allow" | "deny") => {
    setError(null);
    if (answer === "allow" && patientNeeded && !patientId) {
      setError("Choose a patient for the app first.");
      return;
    }
    try {
      const { redirect } =
        answer === "allow"
          ? await allow.mutateAsync({ ...request, patientId: patientId ?? undefined })
          : await deny.mutateAsync({
              clientId: request.clientId,
              redirectUri: request.redirectUri,
              state: request.state,
            });
      window.location.assign(redirect);
    } catch (err) {
      setError((err as Error).message || "That did not work. Try again.");
    }
  };

  return (
    <>
      <h2>{appName} will be able to</h2>
      <ul data-testid="consent-scopes">
        {scopes.map((s) => (
          <li key={s.scope}>
            {s.words} <code className="muted">{s.scope}</code>
          </li>
        ))}
      </ul>
      {patientNeeded && (
        <fieldset>
          <legend>Patient</legend>
          <label htmlFor="patient-search">Find a patient you care for</label>
          <input
            id="patient-search"
            type="search"
            value={term}
            onChange={(e) => setTerm(e.target.value)}
            placeholder="Name or MRN"
            autoComplete="off"
          />
          {patients.isPending ? (
            <p className="muted" role="status">
              Loading patients…
            </p>
          ) : patients.isError ? (
            <p className="alert" role="alert">
              Patients could not be loaded.{" "}
              <button type="button" className="link" onClick={() => patients.refetch()}>
                Try again
              </button>
            </p>
          ) : patients.data.items.length === 0 ? (
            <p className="empty">{term ? `No patients match “${term}”.` : "You have no patients to choose."}</p>
          ) : (
            <div role="radiogroup" aria-label="Patient">
              {patients.data.items.map((p) => (
                <label key={p.id}>
                  <input
                    type="radio"
                    name="patient"
                    value={p.id}
                    checked={patientId === p.id}
                    onChange={() => setPatientId(p.id)}
                  />
                  {p.familyName}, {p.givenName} <span className="muted">&nbsp;{p.mrn}</span>
                </label>
              ))}
            </div>
          )}
        </fieldset>
      )}
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={() => go("allow")} disabled={pending}>
          {allow.isPending || allow.isSuccess ? "Allowing…" : "Allow"}
        </button>
        <button type="button" className="secondary" onClick={() => go("deny")} disabled={pending}>
          {deny.isPending || deny.isSuccess ? "Denying…" : "Deny"}
        </button>
      </div>
      <p className="muted">You can end the app&apos;s access at any time from your account page (Sessions).</p>
    </>
  );
}
