"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { ConfirmDialog } from "@/app/_components/confirm-dialog";
import { Field } from "@/app/_components/field";
import { describeError, fieldErrors, type FieldErrors } from "@/lib/forms";
import { appointmentCreateInput, CANCEL_REASONS, type CancelReason } from "@/lib/schemas/appointments";
import { formatDateTime } from "@/lib/time";
import { useTRPC } from "@/lib/trpc/client";
import type { RouterOutputs } from "@/server/trpc/types";

type List = RouterOutputs["appointments"]["list"];

export function Appointments({ timeZone, patientId, patientName, upcoming, past }: { timeZone: string; patientId: string; patientName: string } & List) {
  const fmt = { format: (d: Date) => formatDateTime(d, timeZone) };
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

  const [cancelling, setCancelling] = useState<List["upcoming"][number] | null>(null);
  const [cancelReason, setCancelReason] = useState<CancelReason | "">("");
  const [reasonError, setReasonError] = useState<string | null>(null);

  async function onCancel() {
    if (!cancelling) return;
    if (!cancelReason) {
      setReasonError("Choose why the visit is cancelled.");
      return;
    }
    try {
      await cancel.mutateAsync({ id: cancelling.id, reason: cancelReason });
      setMessage(`Appointment on ${fmt.format(cancelling.startsAt)} cancelled.`);
      router.refresh();
    } catch (err) {
      setMessage(describeError(err).message);
    } finally {
      setCancelling(null);
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
                <button
                  type="button"
                  className="danger-outline"
                  aria-haspopup="dialog"
                  onClick={() => {
                    setCancelReason("");
                    setReasonError(null);
                    setCancelling(a);
                  }}
                  disabled={cancel.isPending}
                >
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
      <ConfirmDialog
        open={cancelling !== null}
        title={cancelling ? `Cancel ${patientName}'s visit on ${fmt.format(cancelling.startsAt)}?` : "Cancel this visit?"}
        confirmLabel="Cancel visit"
        busy={cancel.isPending}
        onCancel={() => setCancelling(null)}
        onConfirm={() => void onCancel()}
      >
        <p>
          The slot is freed and the visit is shown struck through. {cancelling?.clinicianName ? `${cancelling.clinicianName} no longer expects the patient.` : ""}
        </p>
        <label htmlFor="cancel-reason">Reason</label>
        <select
          id="cancel-reason"
          value={cancelReason}
          aria-invalid={reasonError ? true : undefined}
          aria-describedby={reasonError ? "cancel-reason-error" : undefined}
          onChange={(e) => {
            setCancelReason(e.target.value as CancelReason | "");
            setReasonError(null);
          }}
        >
          <option value="">Choose a reason…</option>
          {Object.entries(CANCEL_REASONS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        {reasonError && (
          <p id="cancel-reason-error" className="field-error" role="alert">
            {reasonError}
          </p>
        )}
      </ConfirmDialog>
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
