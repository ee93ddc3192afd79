import { DATE_HINT, DATE_TIME_HINT, formatDate, parseDate } from "@/lib/time";
import { Field } from "./field";

/**
 * A date input in the app's one format: a text field that shows "4 Apr 1979" and accepts that or
 * ISO (a native date picker would show the device's own format, e.g. mm/dd/yyyy). The schema's
 * calendarDate() reads what was typed.
 */
export function DateField({
  label,
  name,
  defaultValue,
  error,
  required,
}: {
  label: string;
  name: string;
  /** "YYYY-MM-DD", shown in the app's format. */
  defaultValue?: string | null;
  error?: string;
  required?: boolean;
}) {
  const iso = defaultValue ? parseDate(defaultValue) : null;
  return (
    <Field
      label={label}
      name={name}
      type="text"
      defaultValue={iso ? formatDate(iso) : (defaultValue ?? "")}
      error={error}
      hint={DATE_HINT}
      autoComplete="off"
      spellCheck={false}
      required={required}
    />
  );
}

/**
 * A date and time in the app's format ("4 Apr 2031 09:30", ISO also taken), read in the practice's
 * zone by the form (parseDateTime, then wallTimeInZone); the label names the zone.
 */
export function DateTimeField({
  label,
  name,
  error,
  required,
}: {
  label: string;
  name: string;
  error?: string;
  required?: boolean;
}) {
  return (
    <Field
      label={label}
      name={name}
      type="text"
      error={error}
      hint={DATE_TIME_HINT}
      autoComplete="off"
      spellCheck={false}
      required={required}
    />
  );
}
