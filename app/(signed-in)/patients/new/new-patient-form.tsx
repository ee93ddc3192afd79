"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { DateField } from "@/app/_components/date-field";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import { useZodForm } from "@/app/_components/use-zod-form";
import { SexOptions } from "@/app/_components/sex-options";
import { appCodeOf } from "@/lib/app-errors";
import { patientCreateAnywayInput, patientCreateInput } from "@/lib/schemas/patients";
import { formatDate } from "@/lib/time";
import { useTRPC } from "@/lib/trpc/client";
import type { RouterOutputs } from "@/server/trpc/types";
import { FrontDeskFields } from "@/app/(signed-in)/patients/front-desk-fields";

type Duplicates = RouterOutputs["patients"]["duplicates"];

/**
 * Registration: before creating, the practice is searched for the same person. Possible duplicates
 * are listed (name, MRN, birth date); going ahead takes a deliberate "Create anyway" with a reason,
 * which the audit keeps.
 */
export function NewPatientForm({ nextMrn }: { nextMrn: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const create = useMutation(trpc.patients.create.mutationOptions());
  const [duplicates, setDuplicates] = useState<Duplicates | null>(null);
  const panel = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (duplicates) panel.current?.focus();
  }, [duplicates]);

  const { errors, message, pending, onSubmit } = useZodForm(
    duplicates ? patientCreateAnywayInput : patientCreateInput,
    async (input) => {
      const check = () =>
        queryClient.fetchQuery({
          ...trpc.patients.duplicates.queryOptions({
            givenName: input.givenName,
            familyName: input.familyName,
            birthDate: input.birthDate,
            phone: input.phone,
            email: input.email,
          }),
          staleTime: 0,
        });
      if (!input.duplicateReason) {
        const found = await check();
        if (found.candidates.length > 0 || found.elsewhere) {
          setDuplicates(found);
          return;
        }
      }
      try {
        const patient = await create.mutateAsync(input);
        router.push(`/patients/${patient.id}`);
      } catch (err) {
        // Someone registered the same person a moment ago: show them before going ahead.
        if (appCodeOf(err) === "POSSIBLE_DUPLICATE") setDuplicates(await check());
        throw err;
      }
    },
  );

  return (
    <form onSubmit={onSubmit} noValidate className="card narrow-wide">
      <FormMessage message={message} />
      {duplicates && (
        <section className="duplicates" aria-labelledby="dup-heading" role="alert">
          <h2 id="dup-heading" tabIndex={-1} ref={panel}>
            Possible duplicate{duplicates.candidates.length === 1 ? "" : "s"}: is this patient already registered?
          </h2>
          {duplicates.candidates.length > 0 && (
            <ul data-testid="duplicate-candidates">
              {duplicates.candidates.map((c) => (
                <li key={c.id}>
                  <Link href={`/patients/${c.id}`}>
                    {c.givenName} {c.familyName}
                  </Link>{" "}
                  · MRN {c.mrn} · born {formatDate(c.birthDate)}{" "}
                  <span className="muted">(same {c.reasons.join(", ")})</span>
                </li>
              ))}
            </ul>
          )}
          {duplicates.elsewhere && (
            <p data-testid="duplicate-elsewhere">
              A possible duplicate exists in the practice that you cannot see. Ask a practice admin before registering.
            </p>
          )}
          <Field
            as="textarea"
            label="Reason to create anyway"
            name="duplicateReason"
            rows={2}
            hint="Why this is a different person (recorded in the audit log)."
            error={errors.duplicateReason}
          />
        </section>
      )}
      <Field
        label="MRN"
        name="mrn"
        error={errors.mrn}
        hint={`Leave blank for the practice's next number (${nextMrn}).`}
      />
      <div className="field-row">
        <Field label="Given name" name="givenName" error={errors.givenName} required autoComplete="off" />
        <Field label="Family name" name="familyName" error={errors.familyName} required autoComplete="off" />
      </div>
      <div className="field-row">
        <Field label="Preferred name" name="preferredName" error={errors.preferredName} />
        <Field label="Pronouns" name="pronouns" error={errors.pronouns} hint="e.g. she/her, they/them" />
      </div>
      <div className="field-row">
        <DateField label="Birth date" name="birthDate" error={errors.birthDate} required />
        <Field as="select" label="Sex" name="sex" defaultValue="unknown" error={errors.sex}>
          <SexOptions />
        </Field>
      </div>
      <div className="field-row">
        <Field label="Phone" name="phone" type="tel" error={errors.phone} />
        <Field label="Email" name="email" type="email" error={errors.email} />
      </div>
      <FrontDeskFields errors={errors} />
      <p className="actions">
        {duplicates ? (
          <>
            <button type="submit" disabled={pending}>
              {pending ? "Creating…" : "Create anyway"}
            </button>
            <Link href="/patients" className="button secondary-link">
              Cancel registration
            </Link>
          </>
        ) : (
          <button type="submit" disabled={pending}>
            {pending ? "Checking…" : "Create patient"}
          </button>
        )}
      </p>
    </form>
  );
}
