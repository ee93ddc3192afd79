import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";

type Common = { label: ReactNode; name: string; error?: string; hint?: ReactNode };
type Props =
  | (Common & { as?: "input" } & InputHTMLAttributes<HTMLInputElement>)
  | (Common & { as: "select"; children: ReactNode } & SelectHTMLAttributes<HTMLSelectElement>)
  | (Common & { as: "textarea" } & TextareaHTMLAttributes<HTMLTextAreaElement>);

/** Binds a controlled field to string state: its value, and a change handler that sets it. */
export const bound = (value: string, set: (value: string) => void) => ({
  value,
  onChange: (e: { target: { value: string } }) => set(e.target.value),
});

/**
 * A labelled input, select or textarea with its error (and hint) wired to aria-invalid / aria-describedby.
 * Its id is `field-<name>` unless given one (a form repeated on a page, once per row).
 */
export function Field(props: Props) {
  const { label, name, error, hint, as = "input", id: given, ...rest } = props;
  const id = given ?? `field-${name}`;
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  const control = { id, name, "aria-invalid": error ? true : undefined, "aria-describedby": described };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={`${id}-hint`} className="muted">
          {hint}
        </p>
      )}
      {as === "select" ? (
        <select {...control} {...(rest as SelectHTMLAttributes<HTMLSelectElement>)} />
      ) : as === "textarea" ? (
        <textarea {...control} {...(rest as TextareaHTMLAttributes<HTMLTextAreaElement>)} />
      ) : (
        <input {...control} {...(rest as InputHTMLAttributes<HTMLInputElement>)} />
      )}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
