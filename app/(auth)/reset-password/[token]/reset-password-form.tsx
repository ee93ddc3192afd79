"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { FormFooter } from "@/app/_components/form-footer";
import { PasswordField } from "@/app/_components/password-field";
import { useZodForm } from "@/app/_components/use-zod-form";
import { newPasswordSchema } from "@/lib/schemas/password";
import { useTRPC } from "@/lib/trpc/client";

export function ResetPasswordForm({ token, email, name }: { token: string; email: string; name: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const complete = useMutation(trpc.passwordReset.complete.mutationOptions());
  const { errors, message, pending, onSubmit } = useZodForm(
    newPasswordSchema,
    async ({ password }) => {
      await complete.mutateAsync({ token, password });
      router.push(`/login?notice=password-reset&email=${encodeURIComponent(email)}`);
    },
    (data) => ({ email, name, password: String(data.get("password") ?? "") }),
  );

  return (
    <form onSubmit={onSubmit} noValidate>
      <input type="hidden" name="username" autoComplete="username" value={email} />
      <PasswordField label="New password" name="password" userInputs={[email, name]} error={errors.password} />
      <FormFooter message={message} pending={pending} pendingLabel="Saving…">
        Set new password
      </FormFooter>
    </form>
  );
}
