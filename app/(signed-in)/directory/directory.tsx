"use client";

import { PendingLink as Link } from "@/app/_components/nav-link";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import { useZodForm } from "@/app/_components/use-zod-form";
import { breakGlassRequestInput, directoryInput } from "@/lib/schemas/break-glass";
import { formatDateTime } from "@/lib/time";
import { useTRPC } from "@/lib/trpc/client";

function RequestAccess({ patientId, name, timeZone }: { patientId: string; name: string; timeZone: string }) {
  const trpc = useTRPC();
  const request = useMutation(trpc.breakGlass.request.mutationOptions());
  const { errors, message, pending, onSubmit } = useZodForm(
    breakGlassRequestInput,
    async (input) => void (await request.mutateAsync(input)),
    (data) => ({ patientId, reason: data.get("reason") }),
  );

  if (request.data) {
    return (
      <p className="notice" role="status">
        Emergency access to {name} granted until {formatDateTime(request.data.expiresAt, timeZone)}.{" "}
        <Link href={`/patients/${patientId}`}>Open the chart</Link>
      </p>
    );
  }
  return (
    <form onSubmit={onSubmit} noValidate aria-label={`Request emergency access to ${name}`}>
      <Field
        as="textarea"
        id={`reason-${patientId}`}
        label="Reason for emergency access"
        name="reason"
        rows={2}
        error={errors.reason}
      />
      <FormMessage message={message} />
      <button type="submit" disabled={pending}>
        {pending ? "Requesting…" : "Request emergency access"}
      </button>
    </form>
  );
}

/** `timeZone`: the practice's, for the granted-until time. */
export function Directory({ timeZone }: { timeZone: string }) {
  const trpc = useTRPC();
  const [search, setSearch] = useState("");
  const [open, setOpen] = useState<string | null>(null);
  const valid = directoryInput.safeParse({ search }).success;
  const results = useQuery({ ...trpc.breakGlass.directory.queryOptions({ search }), enabled: valid });
  return (
    <section aria-labelledby="dir-results">
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div className="field grow">
          <label htmlFor="dir-search">Name or MRN</label>
          <input id="dir-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
      </form>
      <h2 id="dir-results" className="visually-hidden">
        Results
      </h2>
      {!valid ? (
        <p className="muted">Type at least 2 characters.</p>
      ) : results.isPending ? (
        <p className="muted">Searching…</p>
      ) : results.isError ? (
        <p className="alert" role="alert">
          {results.error.message}
        </p>
      ) : results.data.length === 0 ? (
        <p className="empty">No patient in this practice matches.</p>
      ) : (
        <ul className="plain" aria-label="Directory results">
          {results.data.map((p) => {
            const name = `${p.givenName} ${p.familyName}`;
            return (
              <li key={p.id} className="note">
                <strong>{name}</strong> · born {p.birthDate} · MRN {p.mrn}{" "}
                {open === p.id ? (
                  <RequestAccess patientId={p.id} name={name} timeZone={timeZone} />
                ) : p.visible ? (
                  <>
                    <span className="muted">On your care team — </span>
                    <Link href={`/patients/${p.id}`}>
                      Open chart<span className="visually-hidden"> of {name}</span>
                    </Link>
                  </>
                ) : (
                  <>
                    <span className="muted">Not on your care team · </span>
                    <button type="button" className="link" onClick={() => setOpen(p.id)}>
                      Emergency access<span className="visually-hidden"> to {name}</span>
                    </button>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
