"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { safeCallbackPath } from "@/lib/callback-url";

const errors: Record<string, string> = {
  CredentialsSignin: "That email and password do not match an account.",
  Suspended: "Your membership in this practice is suspended. Contact your practice admin.",
  Locked: "Too many sign-in attempts. Wait 15 minutes and try again.",
};


export function LoginForm({ initialError, callbackUrl, email }: { initialError: string | null; callbackUrl?: string; email?: string }) {
  const router = useRouter();
  const [error, setError] = useState(initialError);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    setPending(false);
    if (result?.ok && !result.error) {
      // Only a path of this app: a crafted callbackUrl must not send a clinician elsewhere.
      router.replace(safeCallbackPath(callbackUrl, window.location.origin));
      router.refresh();
    } else {
      setError(errors[result?.error ?? ""] ?? "Sign-in failed. Please try again.");
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      <label htmlFor="email">Email</label>
      <input id="email" name="email" type="email" autoComplete="username" defaultValue={email} required autoFocus={!email} />
      <label htmlFor="password">Password</label>
      <input id="password" name="password" type="password" autoComplete="current-password" required autoFocus={Boolean(email)} />
      <p>
        <button type="submit" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </p>
    </form>
  );
}
