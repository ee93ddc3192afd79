"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Field } from "@/app/_components/field";
import { describeError, fieldErrors, type FieldErrors } from "@/lib/forms";
import { appointmentCreateInput } from "@/lib/schemas/appointments";
import { useTRPC } from "@/lib/trpc/client";
import type { RouterOutputs } from "@/server/trpc/types";

type List = RouterOutputs["appointments"]["list"];
const fmt = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short" });

export function Appointments({ patientId, upcoming, past }: { patientId: string } & List) {
  const trpc = useTRPC();
  const router = useRouter();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const create = useMutation(trpc.appointments.create.mutationOptions());
  const cancel = useMutation(trpc.appointments.cancel.mutationOptions());

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formEl = event.currentTarget;
    const form = Object.fromEntries(new FormData(formEl)) as Record<string, string>;
    const parsed = appointmentCreateInput.safeParse({ ...form, patientId, startsAt: form.startsAt ? new Date(form.startsAt) : undefined });
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error.issues));
      return;
    }
    setErrors({});
    try {
      await create.mutateAsync(parsed.data);
      formEl.reset();
      setMessage("Appointment scheduled.");
      router.refresh();
    } catch (err) {
      const d = describeError(err);
      setErrors(d.fields);
      setMessage(d.message);
    }
  }

  async function onCancel(id: string) {
    try {
      await cancel.mutateAsync({ id });
      setMessage("Appointment cancelled.");
      router.refresh();
    } catch (err) {
      setMessage(describeError(err).message);
    }
  }

  return (
    <section className="card" aria-labelledby="appt-heading">
      <h2 id="appt-heading">Appointments</h2>
      {message && (
        <p className="notice" role="status">
          {message}
        </p>
      )}
      <h3>Upcoming</h3>
      {upcoming.length === 0 ? (
        <p className="empty">Nothing scheduled.</p>
      ) : (
        <ul className="plain" aria-label="Upcoming appointments">
          {upcoming.map((a) => (
            <li key={a.id} className={a.status === "cancelled" ? "cancelled" : undefined}>
              <span>
                {fmt.format(a.startsAt)} — {a.reason} ({a.clinicianName ?? "clinician"}){a.status === "cancelled" ? " · cancelled" : ""}
              </span>
              {a.status === "scheduled" && (
                <button type="button" className="link" onClick={() => onCancel(a.id)} disabled={cancel.isPending}>
                  Cancel<span className="visually-hidden"> appointment on {fmt.format(a.startsAt)}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <h3>Past</h3>
      {past.length === 0 ? (
        <p className="empty">No past visits.</p>
      ) : (
        <ul className="plain" aria-label="Past appointments">
          {past.map((a) => (
            <li key={a.id}>
              {fmt.format(a.startsAt)} — {a.reason} · {a.status}
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={onSubmit} noValidate className="inline-form" aria-label="Schedule an appointment">
        <h3>Schedule</h3>
        <Field label="Starts at" name="startsAt" type="datetime-local" error={errors.startsAt} required />
        <Field label="Duration (minutes)" name="durationMinutes" type="number" defaultValue="30" min={5} max={480} error={errors.durationMinutes} />
        <Field label="Reason" name="reason" error={errors.reason} required />
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? "Scheduling…" : "Schedule appointment"}
        </button>
      </form>
    </section>
  );
}
