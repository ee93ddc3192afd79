"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { ConfirmDialog } from "@/app/_components/confirm-dialog";
import { DateTimeField } from "@/app/_components/date-field";
import { bound, Field } from "@/app/_components/field";
import { Options } from "@/app/_components/options";
import { describeError, fieldErrors, type FieldErrors } from "@/lib/forms";
import {
  appointmentCreateInput,
  CANCEL_REASONS,
  VISIT_TYPES,
  type CancelReason,
  type VisitType,
} from "@/lib/schemas/appointments";
import { formatDateTime, parseDateTime, wallTimeInZone, zoneAbbreviation } from "@/lib/time";
import { useTRPC } from "@/lib/trpc/client";
import type { RouterOutputs } from "@/server/trpc/types";

type List = RouterOutputs["appointments"]["list"];
type Clinician = RouterOutputs["appointments"]["clinicians"][number];

export function Appointments({
  timeZone,
  patientId,
  patientName,
  upcoming,
  past,
  clinicians,
  isAdmin,
}: { timeZone: string; patientId: string; patientName: string; clinicians: Clinician[]; isAdmin: boolean } & List) {
  const fmt = { format: (d: Date) => formatDateTime(d, timeZone) };
  const trpc = useTRPC();
  const router = useRouter();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const [visitType, setVisitType] = useState<VisitType>("follow_up");
  const [duration, setDuration] = useState<string>(String(VISIT_TYPES.follow_up.minutes));
  const create = useMutation(trpc.appointments.create.mutationOptions());
  const cancel = useMutation(trpc.appointments.cancel.mutationOptions());

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (create.isPending) return;
    const formEl = event.currentTarget;
    const form = Object.fromEntries(new FormData(formEl)) as Record<string, string>;
    const parsed = appointmentCreateInput.safeParse({
      ...form,
      patientId,
      clinicianId: form.clinicianId || undefined,
      doubleBook: form.doubleBook === "on",
      // The time typed is read in the practice's zone, whatever the device's clock says.
      startsAt: wallTimeInZone(parseDateTime(form.startsAt ?? "") ?? "", timeZone) ?? undefined,
    });
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error.issues));
      return;
    }
    setErrors({});
    setConflict(null);
    try {
      await create.mutateAsync(parsed.data);
      formEl.reset();
      setVisitType("follow_up");
      setDuration(String(VISIT_TYPES.follow_up.minutes));
      const who = clinicians.find((c) => c.id === parsed.data.clinicianId)?.name;
      setMessage(`Visit booked for ${formatDateTime(parsed.data.startsAt, timeZone)}${who ? ` with ${who}` : ""}.`);
      router.refresh();
    } catch (err) {
      const d = describeError(err);
      setErrors(d.fields);
      setMessage(null);
      setConflict(d.message);
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
                {fmt.format(a.startsAt)} — {VISIT_TYPES[a.visitType as VisitType]?.label ?? "Visit"}: {a.reason} (
                {a.clinicianName ?? "clinician"}){a.doubleBooked ? " · double-booked" : ""}
                {a.status === "cancelled" ? " · cancelled" : ""}
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
        title={
          cancelling ? `Cancel ${patientName}'s visit on ${fmt.format(cancelling.startsAt)}?` : "Cancel this visit?"
        }
        confirmLabel="Cancel visit"
        busy={cancel.isPending}
        onCancel={() => setCancelling(null)}
        onConfirm={() => void onCancel()}
      >
        <p>
          The slot is freed and the visit is shown struck through.{" "}
          {cancelling?.clinicianName ? `${cancelling.clinicianName} no longer expects the patient.` : ""}
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
          <Options
            items={Object.entries(CANCEL_REASONS)}
            value={([value]) => value}
            label={([, label]) => label}
            placeholder="Choose a reason…"
          />
        </select>
        {reasonError && (
          <p id="cancel-reason-error" className="field-error" role="alert">
            {reasonError}
          </p>
        )}
      </ConfirmDialog>
      <form onSubmit={onSubmit} noValidate className="inline-form" aria-label="Schedule an appointment">
        <h3>Schedule</h3>
        <div className="field">
          <label htmlFor="appt-clinician">Clinician</label>
          <select id="appt-clinician" name="clinicianId" defaultValue={clinicians[0]?.id ?? ""}>
            <Options
              items={clinicians}
              value={(c) => c.id}
              label={(c) => `${c.name}${c.me ? " (you)" : ""}${c.onCareTeam ? " · care team" : ""}`}
            />
          </select>
        </div>
        <div className="field">
          <label htmlFor="appt-type">Visit type</label>
          <select
            id="appt-type"
            name="visitType"
            value={visitType}
            onChange={(e) => {
              const t = e.target.value as VisitType;
              setVisitType(t);
              setDuration(String(VISIT_TYPES[t].minutes));
            }}
          >
            <Options
              items={Object.entries(VISIT_TYPES)}
              value={([value]) => value}
              label={([, t]) => `${t.label} (${t.minutes} min)`}
            />
          </select>
        </div>
        <DateTimeField
          label={`Starts at (${zoneAbbreviation(new Date(), timeZone)})`}
          name="startsAt"
          error={errors.startsAt}
          required
        />
        <Field
          label="Duration (minutes)"
          name="durationMinutes"
          type="number"
          {...bound(duration, setDuration)}
          min={5}
          max={480}
          error={errors.durationMinutes}
        />
        <Field label="Reason" name="reason" error={errors.reason} required />
        {isAdmin && (
          <label className="checkbox">
            <input type="checkbox" name="doubleBook" /> Double-book on purpose (over another visit of this clinician;
            recorded in the audit log)
          </label>
        )}
        {conflict && (
          <p className="alert" role="alert">
            {conflict}
          </p>
        )}
        <button type="submit" disabled={create.isPending} aria-disabled={create.isPending || undefined}>
          {create.isPending ? "Scheduling…" : "Schedule appointment"}
        </button>
      </form>
    </section>
  );
}
