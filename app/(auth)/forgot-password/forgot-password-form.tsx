"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Field } from "@/app/_components/field";
import { describeError, fieldErrors, type FieldErrors } from "@/lib/forms";
import { forgotPasswordInput } from "@/lib/schemas/accounts";
import { useTRPC } from "@/lib/trpc/client";

export function ForgotPasswordForm() {
  const trpc = useTRPC();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const request = useMutation(trpc.passwordReset.request.mutationOptions());

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = forgotPasswordInput.safeParse(Object.fromEntries(new FormData(event.currentTarget)));
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error.issues));
      return;
    }
    setErrors({});
    setResult(null);
    try {
      const answer = await request.mutateAsync(parsed.data);
      setResult({ ok: true, text: answer.message });
    } catch (err) {
      const d = describeError(err);
      setErrors(d.fields);
      setResult({ ok: false, text: d.message });
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <Field label="Email" name="email" type="email" autoComplete="username" error={errors.email} required autoFocus />
      {result && (
        <p className={result.ok ? "notice" : "alert"} role={result.ok ? "status" : "alert"}>
          {result.text}
        </p>
      )}
      <p>
        <button type="submit" disabled={request.isPending}>
          {request.isPending ? "Sending…" : "Send reset link"}
        </button>
      </p>
    </form>
  );
}
