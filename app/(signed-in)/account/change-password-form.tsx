"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Field } from "@/app/_components/field";
import { FormFooter } from "@/app/_components/form-footer";
import { PasswordField } from "@/app/_components/password-field";
import { describeError, fieldErrors, type FieldErrors } from "@/lib/forms";
import { changePasswordInput, newPasswordSchema } from "@/lib/schemas/password";
import { useTRPC } from "@/lib/trpc/client";

export function ChangePasswordForm({ email, name }: { email: string; name: string }) {
  const trpc = useTRPC();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [formKey, setFormKey] = useState(0);
  const change = useMutation(trpc.me.changePassword.mutationOptions());

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = Object.fromEntries(new FormData(event.currentTarget));
    const input = changePasswordInput.safeParse(form);
    const policy = newPasswordSchema.safeParse({ email, name, password: String(form.newPassword ?? "") });
    const issues = [
      ...(input.success ? [] : input.error.issues),
      ...(policy.success ? [] : policy.error.issues.map((i) => ({ ...i, path: ["newPassword"] }))),
    ];
    if (!input.success || issues.length) {
      setErrors(fieldErrors(issues));
      setMessage(null);
      return;
    }
    setErrors({});
    try {
      await change.mutateAsync(input.data);
      setFormKey((k) => k + 1);
      setMessage({ ok: true, text: "Your password was changed." });
    } catch (err) {
      const d = describeError(err);
      setErrors(d.fields);
      setMessage({ ok: false, text: d.message });
    }
  }

  return (
    <section className="card narrow" aria-labelledby="change-password">
      <h2 id="change-password">Change password</h2>
      <form key={formKey} onSubmit={onSubmit} noValidate>
        <input type="hidden" name="username" autoComplete="username" value={email} />
        <Field
          label="Current password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          error={errors.currentPassword}
          required
        />
        <PasswordField label="New password" name="newPassword" userInputs={[email, name]} error={errors.newPassword} />
        <FormFooter
          error={message?.ok === false ? message.text : null}
          pending={change.isPending}
          pendingLabel="Saving…"
        >
          Change password
        </FormFooter>
      </form>
      {message?.ok && (
        <p className="notice" role="status">
          {message.text}
        </p>
      )}
    </section>
  );
}
