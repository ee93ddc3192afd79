"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Field } from "@/app/_components/field";
import { describeError, fieldErrors, type FieldErrors } from "@/lib/forms";
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
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const update = useMutation(trpc.patients.update.mutationOptions());

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = Object.fromEntries(new FormData(event.currentTarget)) as Record<string, string>;
    const input = { ...form, id: patient.id, version: patient.version };
    const parsed = patientUpdateInput.safeParse(input);
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error.issues));
      return;
    }
    setErrors({});
    setMessage(null);
    try {
      await update.mutateAsync(parsed.data);
      setEditing(false);
      setMessage("Saved.");
      router.refresh();
    } catch (err) {
      const { message, fields } = describeError(err);
      setErrors(fields);
      setMessage(message);
    }
  }

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
              setMessage(null);
            }}
          >
            Edit details
          </button>
        )}
      </div>
      {message && (
        <p className={message === "Saved." ? "notice" : "alert"} role={message === "Saved." ? "status" : "alert"}>
          {message}
        </p>
      )}
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
          <div className="field">
            <label htmlFor="field-sex">Sex</label>
            <select id="field-sex" name="sex" defaultValue={patient.sex}>
              <option value="female">Female</option>
              <option value="male">Male</option>
              <option value="other">Other</option>
              <option value="unknown">Unknown</option>
            </select>
          </div>
          <Field label="Phone" name="phone" type="tel" defaultValue={patient.phone ?? ""} error={errors.phone} />
          <Field label="Email" name="email" type="email" defaultValue={patient.email ?? ""} error={errors.email} />
          <p className="actions">
            <button type="submit" disabled={update.isPending}>
              {update.isPending ? "Saving…" : "Save changes"}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setEditing(false);
                setErrors({});
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
