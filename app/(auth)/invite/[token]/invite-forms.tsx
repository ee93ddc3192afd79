"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { AcceptButton } from "@/app/_components/accept-invitation";
import { bound, Field } from "@/app/_components/field";
import { FormFooter } from "@/app/_components/form-footer";
import { PasswordField } from "@/app/_components/password-field";
import { useZodForm } from "@/app/_components/use-zod-form";
import { acceptNewInput } from "@/lib/schemas/accounts";
import { newPasswordFor } from "@/lib/schemas/password";
import { useTRPC } from "@/lib/trpc/client";

/** A new person: their name and their own password. Setting it from the emailed link verifies the email. */
export function AcceptNew({ token, email, suggestedName }: { token: string; email: string; suggestedName: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [name, setName] = useState(suggestedName);
  const accept = useMutation(trpc.invitations.acceptNew.mutationOptions());
  const { errors, message, pending, onSubmit } = useZodForm(
    acceptNewInput.extend({ password: newPasswordFor({ email, name }) }),
    async (input) => {
      await accept.mutateAsync(input);
      router.push(`/login?notice=account-ready&email=${encodeURIComponent(email)}`);
    },
    (data) => ({ ...Object.fromEntries(data), token }),
  );

  return (
    <form onSubmit={onSubmit} noValidate>
      <p className="muted">Choose your password to create your account.</p>
      <Field label="Email" name="email-shown" value={email} readOnly autoComplete="username" />
      <Field label="Your name" name="name" {...bound(name, setName)} autoComplete="name" error={errors.name} required />
      <PasswordField label="Password" name="password" userInputs={[email, name]} error={errors.password} />
      <FormFooter message={message} pending={pending} pendingLabel="Creating your account…">
        Create account and join
      </FormFooter>
    </form>
  );
}

/** Signed in as the invited email: one button. Then the session moves to the practice. */
export function AcceptExisting({ token, orgName }: { token: string; orgName: string }) {
  return <AcceptButton input={{ token }} label={`Accept and join ${orgName}`} />;
}
