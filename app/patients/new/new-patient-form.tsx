"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Field } from "@/app/_components/field";
import { describeError, fieldErrors, type FieldErrors } from "@/lib/forms";
import { patientCreateInput } from "@/lib/schemas/patients";
import { useTRPC } from "@/lib/trpc/client";

export function NewPatientForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const create = useMutation(trpc.patients.create.mutationOptions());

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = patientCreateInput.safeParse(Object.fromEntries(new FormData(event.currentTarget)));
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error.issues));
      setMessage("Please correct the highlighted fields.");
      return;
    }
    setErrors({});
    setMessage(null);
    try {
      const patient = await create.mutateAsync(parsed.data);
      router.push(`/patients/${patient.id}`);
    } catch (err) {
      const d = describeError(err);
      setErrors(d.fields);
      setMessage(d.message);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="card narrow">
      {message && (
        <p className="alert" role="alert">
          {message}
        </p>
      )}
      <Field label="MRN" name="mrn" error={errors.mrn} required />
      <Field label="Given name" name="givenName" error={errors.givenName} required />
      <Field label="Family name" name="familyName" error={errors.familyName} required />
      <Field label="Birth date" name="birthDate" type="date" error={errors.birthDate} required />
      <div className="field">
        <label htmlFor="field-sex">Sex</label>
        <select id="field-sex" name="sex" defaultValue="unknown">
          <option value="female">Female</option>
          <option value="male">Male</option>
          <option value="other">Other</option>
          <option value="unknown">Unknown</option>
        </select>
      </div>
      <Field label="Phone" name="phone" type="tel" error={errors.phone} />
      <Field label="Email" name="email" type="email" error={errors.email} />
      <p className="actions">
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create patient"}
        </button>
      </p>
    </form>
  );
}
