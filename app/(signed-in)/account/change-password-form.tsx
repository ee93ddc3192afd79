"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Field } from "@/app/_components/field";
import { FormFooter } from "@/app/_components/form-footer";
import { PasswordField } from "@/app/_components/password-field";
import { useZodForm } from "@/app/_components/use-zod-form";
import { changePasswordInput, newPasswordFor } from "@/lib/schemas/password";
import { useTRPC } from "@/lib/trpc/client";

export function ChangePasswordForm({ email, name }: { email: string; name: string }) {
  const trpc = useTRPC();
  // A fresh form after success: the password field keeps its own value (for its strength meter).
  const [formKey, setFormKey] = useState(0);
  const change = useMutation(trpc.me.changePassword.mutationOptions());
  const { errors, message, pending, onSubmit } = useZodForm(
    changePasswordInput.extend({ newPassword: newPasswordFor({ email, name }) }),
    async (input) => {
      await change.mutateAsync(input);
      setFormKey((k) => k + 1);
      return "Your password was changed.";
    },
  );

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
        <FormFooter message={message} pending={pending} pendingLabel="Saving…">
          Change password
        </FormFooter>
      </form>
    </section>
  );
}
