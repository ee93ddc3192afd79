"use client";

import { useMutation } from "@tanstack/react-query";
import { Field } from "@/app/_components/field";
import { FormFooter } from "@/app/_components/form-footer";
import { useZodForm } from "@/app/_components/use-zod-form";
import { forgotPasswordInput } from "@/lib/schemas/accounts";
import { useTRPC } from "@/lib/trpc/client";

export function ForgotPasswordForm() {
  const trpc = useTRPC();
  const request = useMutation(trpc.passwordReset.request.mutationOptions());
  const { errors, message, pending, onSubmit } = useZodForm(
    forgotPasswordInput,
    async (input) => (await request.mutateAsync(input)).message,
  );

  return (
    <form onSubmit={onSubmit} noValidate>
      <Field label="Email" name="email" type="email" autoComplete="username" error={errors.email} required autoFocus />
      <FormFooter message={message} pending={pending} pendingLabel="Sending…">
        Send reset link
      </FormFooter>
    </form>
  );
}
