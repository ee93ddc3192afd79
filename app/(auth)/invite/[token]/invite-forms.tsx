"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { AcceptButton } from "@/app/_components/accept-invitation";
import { Field } from "@/app/_components/field";
import { FormFooter } from "@/app/_components/form-footer";
import { PasswordField } from "@/app/_components/password-field";
import { describeError, fieldErrors, type FieldErrors } from "@/lib/forms";
import { acceptNewInput } from "@/lib/schemas/accounts";
import { newPasswordSchema } from "@/lib/schemas/password";
import { useTRPC } from "@/lib/trpc/client";

/** A new person: their name and their own password. Setting it from the emailed link verifies the email. */
export function AcceptNew({ token, email, suggestedName }: { token: string; email: string; suggestedName: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [name, setName] = useState(suggestedName);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const accept = useMutation(trpc.invitations.acceptNew.mutationOptions());

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = Object.fromEntries(new FormData(event.currentTarget));
    const input = acceptNewInput.safeParse({ ...form, token });
    const policy = newPasswordSchema.safeParse({
      email,
      name: String(form.name ?? ""),
      password: String(form.password ?? ""),
    });
    const issues = [...(input.success ? [] : input.error.issues), ...(policy.success ? [] : policy.error.issues)];
    if (!input.success || issues.length) {
      setErrors(fieldErrors(issues));
      setMessage(null);
      return;
    }
    setErrors({});
    try {
      await accept.mutateAsync(input.data);
      router.push(`/login?notice=account-ready&email=${encodeURIComponent(email)}`);
    } catch (err) {
      const d = describeError(err);
      setErrors(d.fields);
      setMessage(d.message);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <p className="muted">Choose your password to create your account.</p>
      <Field label="Email" name="email-shown" value={email} readOnly autoComplete="username" />
      <Field
        label="Your name"
        name="name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        autoComplete="name"
        error={errors.name}
        required
      />
      <PasswordField label="Password" name="password" userInputs={[email, name]} error={errors.password} />
      <FormFooter error={message} pending={accept.isPending} pendingLabel="Creating your account…">
        Create account and join
      </FormFooter>
    </form>
  );
}

/** Signed in as the invited email: one button. Then the session moves to the practice. */
export function AcceptExisting({ token, orgName }: { token: string; orgName: string }) {
  return <AcceptButton input={{ token }} label={`Accept and join ${orgName}`} />;
}
