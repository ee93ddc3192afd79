"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { FormFooter } from "@/app/_components/form-footer";
import { PasswordField } from "@/app/_components/password-field";
import { describeError, fieldErrors, type FieldErrors } from "@/lib/forms";
import { newPasswordSchema } from "@/lib/schemas/password";
import { useTRPC } from "@/lib/trpc/client";

export function ResetPasswordForm({ token, email, name }: { token: string; email: string; name: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const complete = useMutation(trpc.passwordReset.complete.mutationOptions());

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get("password") ?? "");
    const policy = newPasswordSchema.safeParse({ email, name, password });
    if (!policy.success) {
      setErrors(fieldErrors(policy.error.issues));
      return;
    }
    setErrors({});
    setMessage(null);
    try {
      await complete.mutateAsync({ token, password });
      router.push(`/login?notice=password-reset&email=${encodeURIComponent(email)}`);
    } catch (err) {
      const d = describeError(err);
      setErrors(d.fields);
      setMessage(d.message);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <input type="hidden" name="username" autoComplete="username" value={email} />
      <PasswordField label="New password" name="password" userInputs={[email, name]} error={errors.password} />
      <FormFooter error={message} pending={complete.isPending} pendingLabel="Saving…">
        Set new password
      </FormFooter>
    </form>
  );
}
