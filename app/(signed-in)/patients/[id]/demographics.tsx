"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { DateField } from "@/app/_components/date-field";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import { useZodForm } from "@/app/_components/use-zod-form";
import { SexOptions } from "@/app/_components/sex-options";
import { appCodeOf } from "@/lib/app-errors";
import { EMERGENCY_RELATIONSHIPS, patientUpdateInput } from "@/lib/schemas/patients";
import { formatSex } from "@/lib/time";
import { useTRPC } from "@/lib/trpc/client";
import type { RouterOutputs } from "@/server/trpc/types";
import { FrontDeskFields } from "@/app/(signed-in)/patients/front-desk-fields";
import { StaleEdit } from "./stale-edit";

type Patient = RouterOutputs["patients"]["byId"];

const address = (p: Patient) =>
  [p.addressLine, p.addressCity, p.addressRegion, p.addressPostalCode, p.addressCountry].filter(Boolean).join(", ") ||
  null;

const emergencyContact = (p: Patient) => {
  if (!p.emergencyName && !p.emergencyPhone) return null;
  const relation = p.emergencyRelationship
    ? EMERGENCY_RELATIONSHIPS[p.emergencyRelationship as keyof typeof EMERGENCY_RELATIONSHIPS]?.label
    : null;
  return [p.emergencyName, relation && `(${relation.toLowerCase()})`, p.emergencyPhone].filter(Boolean).join(" ");
};

/**
 * Edits carry the version they started from; a newer version in the database refuses them, and the
 * form then shows what the colleague changed while keeping the typed values (StaleEdit).
 */
export function Demographics({
  patient,
  canEditMrn,
  timeZone,
}: {
  patient: Patient;
  canEditMrn: boolean;
  timeZone: string;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const [editing, setEditing] = useState(false);
  // The details someone else saved while this form was open; their version is the next edit's base.
  const [latest, setLatest] = useState<Patient | null>(null);
  const update = useMutation(trpc.patients.update.mutationOptions());
  const { errors, message, pending, onSubmit, reset } = useZodForm(
    patientUpdateInput,
    async (input) => {
      try {
        await update.mutateAsync(input);
      } catch (err) {
        if (appCodeOf(err) === "STALE_EDIT") {
          setLatest(
            await queryClient.fetchQuery(trpc.patients.byId.queryOptions({ id: patient.id }, { staleTime: 0 })),
          );
        }
        throw err;
      }
      setEditing(false);
      setLatest(null);
      router.refresh();
      return "Saved.";
    },
    (data) => ({ ...Object.fromEntries(data), id: patient.id, version: (latest ?? patient).version }),
  );
  const close = () => {
    setEditing(false);
    setLatest(null);
    reset();
  };

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
      {editing && latest && (
        <StaleEdit
          base={patient}
          latest={latest}
          timeZone={timeZone}
          onApplyMine={() => formRef.current?.requestSubmit()}
          onReviewTheirs={() => {
            close();
            router.refresh();
          }}
        />
      )}
      {editing ? (
        <form ref={formRef} onSubmit={onSubmit} noValidate>
          {canEditMrn && (
            <Field
              label="MRN"
              name="mrn"
              defaultValue={patient.mrn}
              error={errors.mrn}
              hint="Unique in the practice. Change it only to correct a mistake."
              required
            />
          )}
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
          <DateField
            label="Birth date"
            name="birthDate"
            defaultValue={patient.birthDate}
            error={errors.birthDate}
            required
          />
          <Field as="select" label="Sex" name="sex" defaultValue={patient.sex} error={errors.sex}>
            <SexOptions />
          </Field>
          <div className="field-row">
            <Field
              label="Preferred name"
              name="preferredName"
              defaultValue={patient.preferredName ?? ""}
              error={errors.preferredName}
            />
            <Field label="Pronouns" name="pronouns" defaultValue={patient.pronouns ?? ""} error={errors.pronouns} />
          </div>
          <Field label="Phone" name="phone" type="tel" defaultValue={patient.phone ?? ""} error={errors.phone} />
          <Field label="Email" name="email" type="email" defaultValue={patient.email ?? ""} error={errors.email} />
          <FrontDeskFields errors={errors} values={patient} />
          <p className="actions">
            <button type="submit" disabled={pending}>
              {pending ? "Saving…" : "Save changes"}
            </button>
            <button type="button" className="secondary" onClick={close}>
              Cancel
            </button>
          </p>
        </form>
      ) : (
        <dl className="details" data-testid="demographics">
          <dt>Sex</dt>
          <dd>{formatSex(patient.sex)}</dd>
          {patient.preferredName && (
            <>
              <dt>Preferred name</dt>
              <dd>{patient.preferredName}</dd>
            </>
          )}
          {patient.pronouns && (
            <>
              <dt>Pronouns</dt>
              <dd>{patient.pronouns}</dd>
            </>
          )}
          <dt>Phone</dt>
          <dd data-testid="patient-phone">{patient.phone ?? "—"}</dd>
          <dt>Email</dt>
          <dd>{patient.email ?? "—"}</dd>
          <dt>Address</dt>
          <dd>{address(patient) ?? "—"}</dd>
          <dt>Emergency contact</dt>
          <dd>{emergencyContact(patient) ?? "—"}</dd>
          <dt>Insurance</dt>
          <dd>
            {patient.insurancePayer || patient.insuranceMemberId
              ? [patient.insurancePayer, patient.insuranceMemberId && `member ID ${patient.insuranceMemberId}`]
                  .filter(Boolean)
                  .join(", ")
              : "—"}
          </dd>
        </dl>
      )}
    </section>
  );
}
