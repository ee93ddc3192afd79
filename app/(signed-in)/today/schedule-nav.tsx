"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { bound } from "@/app/_components/field";
import { PendingLink as Link } from "@/app/_components/nav-link";
import { addDays, DATE_HINT, formatDate, parseDate } from "@/lib/time";

/** Previous / next day (or week), today, a date typed in the app's format, and day or week. */
export function ScheduleNav({ day, today, view }: { day: string; today: string; view: "day" | "week" }) {
  const router = useRouter();
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<string | null>(null);
  const step = view === "week" ? 7 : 1;
  const href = (date: string, v = view) =>
    `/today?${new URLSearchParams({ date, ...(v === "week" ? { view: v } : {}) })}`;
  const unit = view === "week" ? "week" : "day";

  function go(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const date = parseDate(typed);
    if (!date) {
      setError(`Enter a date such as ${formatDate(today)} or ${today}.`);
      return;
    }
    setError(null);
    setTyped("");
    router.push(href(date));
  }

  return (
    <nav className="schedule-nav" aria-label="Schedule">
      <div className="schedule-steps">
        <Link className="button secondary" href={href(addDays(day, -step))} rel="prev">
          ← Previous {unit}
        </Link>
        <Link className="button secondary" href={href(today)} aria-current={day === today ? "date" : undefined}>
          Today
        </Link>
        <Link className="button secondary" href={href(addDays(day, step))} rel="next">
          Next {unit} →
        </Link>
      </div>
      <div className="schedule-views" role="group" aria-label="View">
        <Link className="button secondary" href={href(day, "day")} aria-current={view === "day" ? "page" : undefined}>
          Day
        </Link>
        <Link className="button secondary" href={href(day, "week")} aria-current={view === "week" ? "page" : undefined}>
          Week
        </Link>
      </div>
      <form className="schedule-goto" onSubmit={go} noValidate>
        <div className="field">
          <label htmlFor="schedule-date">Go to date</label>
          <p id="schedule-date-hint" className="muted">
            {DATE_HINT}
          </p>
          <input
            id="schedule-date"
            name="date"
            {...bound(typed, setTyped)}
            aria-invalid={error ? true : undefined}
            aria-describedby={`schedule-date-hint${error ? " schedule-date-error" : ""}`}
            autoComplete="off"
            inputMode="text"
          />
          {error && (
            <p id="schedule-date-error" className="field-error">
              {error}
            </p>
          )}
        </div>
        <button type="submit" className="secondary">
          Go
        </button>
      </form>
    </nav>
  );
}
