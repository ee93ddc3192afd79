"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { bound, Field } from "@/app/_components/field";
import { Options } from "@/app/_components/options";
import { FormMessage } from "@/app/_components/form-message";
import { useZodForm } from "@/app/_components/use-zod-form";
import { appointmentCreateInput, VISIT_TYPES, type VisitType } from "@/lib/schemas/appointments";
import { formatDateTime, formatTime, formatWeekday, wallTimeInZone, zoneAbbreviation } from "@/lib/time";
import { useTRPC } from "@/lib/trpc/client";

type Clinician = { id: string; name: string };
interface Slot {
  at: Date;
  clinicianId: string;
}
interface Booking {
  open(slot: Slot): void;
}

const BookingContext = createContext<Booking | null>(null);

/** "09:30" of an instant in the practice's zone (the form's time list). */
const wallTime = (at: Date, tz: string) => formatTime(at, tz).slice(0, 5);

/** Every quarter hour of the day, 07:00–20:45: the times the form offers (no locale-dependent time input). */
const TIMES = Array.from({ length: 56 }, (_, i) => {
  const m = 7 * 60 + i * 15;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
});

/**
 * Booking from the schedule: a free slot (or "Book a visit") opens one form above the day, with
 * the slot's time and clinician filled in. It books through appointments.create, so the
 * procedure's rules hold (the patient must be visible to the caller, the database refuses overlaps).
 */
export function BookingProvider({
  day,
  timeZone,
  clinicians,
  isAdmin,
  canBook,
  children,
}: {
  day: string;
  timeZone: string;
  clinicians: Clinician[];
  isAdmin: boolean;
  canBook: boolean;
  children: ReactNode;
}) {
  const [slot, setSlot] = useState<Slot | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const opener = useRef<HTMLElement | null>(null);
  const open = (s: Slot) => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setDone(null);
    setSlot(s);
  };
  const close = (message: string | null) => {
    setSlot(null);
    setDone(message);
    opener.current?.focus();
  };
  return (
    <BookingContext.Provider value={{ open }}>
      {done && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
      {canBook && !slot && clinicians[0] && (
        <p>
          <button
            type="button"
            onClick={() =>
              open({ at: wallTimeInZone(`${day}T09:00`, timeZone) ?? new Date(), clinicianId: clinicians[0].id })
            }
          >
            Book a visit on {formatWeekday(day)}
          </button>
        </p>
      )}
      {slot && (
        <BookingForm
          key={`${slot.clinicianId}-${slot.at.getTime()}`}
          slot={slot}
          day={day}
          timeZone={timeZone}
          clinicians={clinicians}
          isAdmin={isAdmin}
          onClose={close}
        />
      )}
      {children}
    </BookingContext.Provider>
  );
}

/** A free slot's button: "Book 09:30" (with the clinician's name for an admin's columns). */
export function BookSlot({
  at,
  label,
  clinicianId,
  clinicianName,
}: {
  at: Date;
  /** The slot's time as the page shows it ("09:30 GMT"). */
  label: string;
  clinicianId: string;
  clinicianName: string;
}) {
  const booking = useContext(BookingContext);
  return (
    <button type="button" className="secondary slot-button" onClick={() => booking?.open({ at, clinicianId })}>
      <span className="slot-free">Free</span> Book {label}
      <span className="visually-hidden"> with {clinicianName}</span>
    </button>
  );
}

function BookingForm({
  slot,
  day,
  timeZone,
  clinicians,
  isAdmin,
  onClose,
}: {
  slot: Slot;
  day: string;
  timeZone: string;
  clinicians: Clinician[];
  isAdmin: boolean;
  onClose: (message: string | null) => void;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const heading = useRef<HTMLHeadingElement>(null);
  const [search, setSearch] = useState("");
  const [term, setTerm] = useState("");
  const [visitType, setVisitType] = useState<VisitType>("follow_up");
  useEffect(() => heading.current?.focus(), []);
  useEffect(() => {
    const t = setTimeout(() => setTerm(search.trim()), 300);
    return () => clearTimeout(t);
  }, [search]);
  const found = useQuery(trpc.patients.list.queryOptions({ search: term, limit: 10 }, { enabled: term.length > 0 }));
  const create = useMutation(trpc.appointments.create.mutationOptions());
  const { errors, message, pending, onSubmit } = useZodForm(
    appointmentCreateInput,
    async (input) => {
      const row = await create.mutateAsync(input);
      const patient = found.data?.items.find((p) => p.id === input.patientId);
      const who = clinicians.find((c) => c.id === row.clinicianId)?.name;
      router.refresh();
      onClose(
        `Visit booked: ${patient ? `${patient.familyName}, ${patient.givenName}` : "the patient"} on ${formatDateTime(row.startsAt, timeZone)}${who && isAdmin ? ` with ${who}` : ""}.`,
      );
    },
    (data) => {
      const f = Object.fromEntries(data) as Record<string, string>;
      return {
        patientId: f.patientId || undefined,
        clinicianId: f.clinicianId || undefined,
        visitType: f.visitType,
        durationMinutes: f.durationMinutes,
        reason: f.reason,
        // The time picked is read in the practice's zone, whatever the device's clock says.
        startsAt: wallTimeInZone(`${day}T${f.time}`, timeZone) ?? undefined,
      };
    },
  );
  const start = wallTime(slot.at, timeZone);
  const times = TIMES.includes(start) ? TIMES : [...TIMES, start].sort();
  const zone = zoneAbbreviation(slot.at, timeZone);
  const patients = found.data?.items ?? [];
  return (
    <section className="card booking" aria-labelledby="booking-heading">
      <h2 id="booking-heading" ref={heading} tabIndex={-1}>
        Book a visit on {formatWeekday(day)}
      </h2>
      <FormMessage message={message} />
      <form onSubmit={onSubmit} noValidate>
        <Field
          label="Find the patient"
          name="patientSearch"
          type="search"
          {...bound(search, setSearch)}
          hint="Name, MRN or birth date"
          autoComplete="off"
        />
        <Field as="select" label="Patient" name="patientId" error={errors.patientId} required>
          <Options
            items={patients}
            value={(p) => p.id}
            label={(p) => `${p.familyName}, ${p.givenName} · MRN ${p.mrn}`}
            placeholder={
              term.length === 0
                ? "Search above first"
                : found.isPending
                  ? "Searching…"
                  : patients.length === 0
                    ? `No patients match “${term}”`
                    : `Choose one of ${patients.length}`
            }
          />
        </Field>
        {isAdmin ? (
          <Field
            as="select"
            label="Clinician"
            name="clinicianId"
            defaultValue={slot.clinicianId}
            error={errors.clinicianId}
          >
            <Options items={clinicians} value={(c) => c.id} label={(c) => c.name} />
          </Field>
        ) : (
          <input type="hidden" name="clinicianId" value={slot.clinicianId} />
        )}
        <Field
          as="select"
          label={`Time (${zone})`}
          name="time"
          defaultValue={start}
          error={errors.startsAt}
          hint={`The practice's time (${timeZone})`}
        >
          <Options items={times} value={(t) => t} label={(t) => `${t} ${zone}`} />
        </Field>
        <Field
          as="select"
          label="Visit type"
          name="visitType"
          value={visitType}
          onChange={(e) => setVisitType(e.target.value as VisitType)}
          error={errors.visitType}
        >
          <Options
            items={Object.entries(VISIT_TYPES)}
            value={([value]) => value}
            label={([, t]) => `${t.label} (${t.minutes} min)`}
          />
        </Field>
        <Field
          label="Length (minutes)"
          name="durationMinutes"
          type="number"
          min={5}
          max={480}
          key={visitType}
          defaultValue={VISIT_TYPES[visitType].minutes}
          error={errors.durationMinutes}
        />
        <Field as="textarea" label="Reason" name="reason" rows={2} maxLength={500} error={errors.reason} required />
        <p className="actions">
          <button type="submit" disabled={pending}>
            {pending ? "Booking…" : "Book visit"}
          </button>
          <button type="button" className="secondary" onClick={() => onClose(null)}>
            Cancel
          </button>
        </p>
      </form>
    </section>
  );
}
