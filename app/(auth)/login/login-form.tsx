"use client";

import { useQuery } from "@tanstack/react-query";
import { getCsrfToken, signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { z } from "zod";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import { useZodForm } from "@/app/_components/use-zod-form";
import { safeCallbackPath } from "@/lib/callback-url";
import { ssoLookupInput } from "@/lib/schemas/two-factor";
import { useTRPC } from "@/lib/trpc/client";

const errors: Record<string, string> = {
  EmailMissing: "Enter your email.",
  PasswordMissing: "Enter your password.",
  CredentialsSignin: "That email and password do not match an account.",
  Suspended: "Your membership in this practice is suspended. Contact your practice admin.",
  Locked: "Too many sign-in attempts. Wait 15 minutes and try again.",
  TotpInvalid: "That code is not right (each code works once). Wait for the next code and try again.",
  TotpLocked: "Too many wrong codes. The second step is locked for 15 minutes.",
  SsoLinkExpired: "That request to link your practice's sign-in has expired or was already used. Start again from it.",
};

/**
 * What was typed, as typed: the credentials route checks it (server/auth/credentials.ts), and a
 * malformed email must fail exactly like a wrong password.
 */
const credentialsForm = z.object({ email: z.string(), password: z.string(), totp: z.string().default("") });

/** The typed email, once it looks like one and the person paused typing. */
function useSettledEmail(value: string): string | null {
  const [settled, setSettled] = useState<string | null>(null);
  useEffect(() => {
    const t = setTimeout(
      () => setSettled(ssoLookupInput.safeParse({ email: value }).success ? value.trim().toLowerCase() : null),
      300,
    );
    return () => clearTimeout(t);
  }, [value]);
  return settled;
}

/**
 * Sign-in: email and password, then — for an account with two-factor — the code from the
 * authenticator app (or a recovery code) in the same credentials POST as `totp`. When the email's
 * domain has its practice's identity provider, "Continue with your practice's sign-in" is offered.
 */
export function LoginForm({
  initialError,
  callbackUrl,
  email,
  link,
  practice,
}: {
  initialError: string | null;
  callbackUrl?: string;
  email?: string;
  /** A practice's sign-in waiting for this account's proof (the one-time token). */
  link?: string;
  /** The practice to start in: a step-up for it, or the one being linked. */
  practice?: string;
}) {
  const router = useRouter();
  const trpc = useTRPC();
  // The page's own notice (a failed SSO sign-in, an expired link) until the form answers for itself.
  const [notice, setNotice] = useState(initialError);
  const [needCode, setNeedCode] = useState(false);
  const [useRecovery, setUseRecovery] = useState(false);
  const [typed, setTyped] = useState(email ?? "");
  const settled = useSettledEmail(typed);
  const sso = useQuery({
    ...trpc.sso.lookup.queryOptions({ email: settled ?? "" }),
    enabled: Boolean(settled),
    staleTime: 60_000,
  });
  const target = () => safeCallbackPath(callbackUrl, window.location.origin);
  const { message, pending, onSubmit, reset, setMessage } = useZodForm(credentialsForm, async (input) => {
    setNotice(null);
    const result = await signIn("credentials", {
      ...input,
      link: link ?? "",
      practice: practice ?? "",
      redirect: false,
    });
    if (result?.ok && !result.error) {
      // Only a path of this app: a crafted callbackUrl must not send a clinician elsewhere.
      // A member whose practice requires two-factor and who has none lands on enrollment (the pages redirect).
      router.replace(target());
      router.refresh();
    } else if (result?.error === "TotpRequired") {
      setNeedCode(true);
    } else {
      throw new Error(errors[result?.error ?? ""] ?? "Sign-in failed. Please try again.");
    }
  });
  const [redirecting, setRedirecting] = useState(false);

  /**
   * As next-auth's signIn() does it, minus its lookup in the static provider list (a practice's
   * provider is configured at run time): POST to the provider's sign-in route for the IdP's URL,
   * then go there (the CSP's form-action 'self' would stop a form redirected to another origin).
   */
  async function continueWithSso(providerId: string) {
    setRedirecting(true);
    setNotice(null);
    reset();
    try {
      const res = await fetch(`/api/auth/signin/${providerId}?${new URLSearchParams({ login_hint: settled ?? "" })}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-auth-return-redirect": "1" },
        body: new URLSearchParams({ csrfToken: (await getCsrfToken()) ?? "", callbackUrl: target(), json: "true" }),
      });
      const { url } = (await res.json()) as { url?: string };
      if (!url) throw new Error("no url");
      window.location.href = url;
    } catch {
      setRedirecting(false);
      setMessage({ ok: false, text: "Your practice's sign-in could not be reached. Try again or use your password." });
    }
  }

  return (
    <>
      <form onSubmit={onSubmit} noValidate>
        <FormMessage message={message ?? (notice ? { ok: false, text: notice } : null)} />
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          defaultValue={email}
          required
          autoFocus={!email}
          readOnly={needCode}
          onChange={(e) => setTyped(e.target.value)}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          autoFocus={Boolean(email)}
          readOnly={needCode}
        />
        {needCode && (
          <div role="group" aria-labelledby="second-step">
            <p id="second-step" className="notice" role="status">
              {useRecovery
                ? "Enter one of your recovery codes."
                : "Enter the 6-digit code from your authenticator app."}
            </p>
            {useRecovery ? (
              <Field
                key="recovery"
                label="Recovery code"
                name="totp"
                type="text"
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
                required
                autoFocus
              />
            ) : (
              <Field
                key="totp"
                label="Authentication code"
                name="totp"
                type="text"
                inputMode="numeric"
                pattern="[0-9]*"
                autoComplete="one-time-code"
                maxLength={7}
                required
                autoFocus
              />
            )}
            <p>
              <button type="button" className="link" onClick={() => setUseRecovery((r) => !r)}>
                {useRecovery ? "Use the code from your app instead" : "Use a recovery code instead"}
              </button>
            </p>
          </div>
        )}
        <p>
          <button type="submit" disabled={pending}>
            {pending ? "Signing in…" : needCode ? "Verify and sign in" : "Sign in"}
          </button>
        </p>
      </form>
      {sso.data?.providerId && !needCode && (
        <div className="sso">
          <p className="muted">{sso.data.practice} signs in through its own identity provider.</p>
          <button
            type="button"
            className="secondary"
            disabled={redirecting}
            onClick={() => void continueWithSso(sso.data!.providerId!)}
          >
            {redirecting ? "Opening your practice's sign-in…" : "Continue with your practice's sign-in"}
          </button>
        </div>
      )}
    </>
  );
}
