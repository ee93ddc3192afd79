"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { DateField } from "@/app/_components/date-field";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import { useZodForm } from "@/app/_components/use-zod-form";
import { SexOptions } from "@/app/_components/sex-options";
import { patientCreateInput } from "@/lib/schemas/patients";
import { useTRPC } from "@/lib/trpc/client";

export function NewPatientForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const create = useMutation(trpc.patients.create.mutationOptions());
  const { errors, message, pending, onSubmit } = useZodForm(patientCreateInput, async (input) => {
    const patient = await create.mutateAsync(input);
    router.push(`/patients/${patient.id}`);
  });

  return (
    <form onSubmit={onSubmit} noValidate className="card narrow">
      <FormMessage message={message} />
      <Field label="MRN" name="mrn" error={errors.mrn} required />
      <Field label="Given name" name="givenName" error={errors.givenName} required />
      <Field label="Family name" name="familyName" error={errors.familyName} required />
      <DateField label="Birth date" name="birthDate" error={errors.birthDate} required />
      <Field as="select" label="Sex" name="sex" defaultValue="unknown" error={errors.sex}>
        <SexOptions />
      </Field>
      <Field label="Phone" name="phone" type="tel" error={errors.phone} />
      <Field label="Email" name="email" type="email" error={errors.email} />
      <p className="actions">
        <button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create patient"}
        </button>
      </p>
    </form>
  );
}
