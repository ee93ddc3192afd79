"use client";

import { useDeferredValue, useMemo, useState } from "react";
import { PASSWORD_MIN_LENGTH, passwordStrength } from "@/lib/schemas/password";
import { bound } from "@/app/_components/field";

const LABELS = ["Very weak", "Weak", "Fair", "Strong", "Very strong"] as const;

/**
 * A new-password input with the same estimate the server applies (lib/schemas/password.ts):
 * a strength bar, zxcvbn's warning and suggestions while typing, and the server's issue after submit.
 */
export function PasswordField({
  label,
  name,
  userInputs,
  error,
}: {
  label: string;
  name: string;
  /** The person's email and name: the estimate treats them as the first guesses. */
  userInputs: (string | undefined)[];
  error?: string;
}) {
  const [value, setValue] = useState("");
  const deferred = useDeferredValue(value);
  const strength = useMemo(() => (deferred ? passwordStrength(deferred, userInputs) : null), [deferred, userInputs]);
  const id = `field-${name}`;
  const describedBy = [`${id}-help`, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        type="password"
        autoComplete="new-password"
        required
        minLength={PASSWORD_MIN_LENGTH}
        {...bound(value, setValue)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      />
      <div id={`${id}-help`} className="strength" aria-live="polite">
        {strength ? (
          <>
            <div className={`strength-bar${strength.ok ? " good" : ""}`} aria-hidden="true">
              {[1, 2, 3, 4].map((i) => (
                <span key={i} className={strength.score >= i ? "on" : undefined} />
              ))}
            </div>
            <span data-testid="password-strength">
              {LABELS[strength.score]}
              {value.length < PASSWORD_MIN_LENGTH
                ? ` · ${PASSWORD_MIN_LENGTH - value.length} more characters needed`
                : ""}
            </span>
            {(strength.warning || strength.suggestions.length > 0) && (
              <ul>
                {strength.warning && <li>{strength.warning}</li>}
                {strength.suggestions.map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ul>
            )}
          </>
        ) : (
          <span className="muted">
            At least {PASSWORD_MIN_LENGTH} characters. A few unrelated words make a strong, memorable password.
          </span>
        )}
      </div>
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
