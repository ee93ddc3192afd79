"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import { useZodForm } from "@/app/_components/use-zod-form";
import { SexOptions } from "@/app/_components/sex-options";
import { patientUpdateInput } from "@/lib/schemas/patients";
import { formatSex } from "@/lib/time";
import { useTRPC } from "@/lib/trpc/client";
import type { RouterOutputs } from "@/server/trpc/types";

type Patient = RouterOutputs["patients"]["byId"];

/** Edits carry the version they started from; a newer version in the database refuses them. */
export function Demographics({ patient }: { patient: Patient }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const update = useMutation(trpc.patients.update.mutationOptions());
  const { errors, message, pending, onSubmit, reset } = useZodForm(
    patientUpdateInput,
    async (input) => {
      await update.mutateAsync(input);
      setEditing(false);
      router.refresh();
      return "Saved.";
    },
    (data) => ({ ...Object.fromEntries(data), id: patient.id, version: patient.version }),
  );

  return (
    <section className="card" aria-labelledby="demo-heading">
      <div className="section-head">
        <h2 id="demo-heading">Demographics</h2>
        {!editing && (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setEditing(true);
              reset();
            }}
          >
            Edit details
          </button>
        )}
      </div>
      <FormMessage message={message} />
      {editing ? (
        <form onSubmit={onSubmit} noValidate>
          <Field
            label="Given name"
            name="givenName"
            defaultValue={patient.givenName}
            error={errors.givenName}
            required
          />
          <Field
            label="Family name"
            name="familyName"
            defaultValue={patient.familyName}
            error={errors.familyName}
            required
          />
          <Field
            label="Birth date"
            name="birthDate"
            type="date"
            defaultValue={patient.birthDate}
            error={errors.birthDate}
            required
          />
          <Field as="select" label="Sex" name="sex" defaultValue={patient.sex} error={errors.sex}>
            <SexOptions />
          </Field>
          <Field label="Phone" name="phone" type="tel" defaultValue={patient.phone ?? ""} error={errors.phone} />
          <Field label="Email" name="email" type="email" defaultValue={patient.email ?? ""} error={errors.email} />
          <p className="actions">
            <button type="submit" disabled={pending}>
              {pending ? "Saving…" : "Save changes"}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setEditing(false);
                reset();
              }}
            >
              Cancel
            </button>
          </p>
        </form>
      ) : (
        <dl className="details">
          <dt>Sex</dt>
          <dd>{formatSex(patient.sex)}</dd>
          <dt>Phone</dt>
          <dd data-testid="patient-phone">{patient.phone ?? "—"}</dd>
          <dt>Email</dt>
          <dd>{patient.email ?? "—"}</dd>
        </dl>
      )}
    </section>
  );
}
