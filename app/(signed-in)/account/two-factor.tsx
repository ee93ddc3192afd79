"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { Field } from "@/app/_components/field";
import { FormFooter } from "@/app/_components/form-footer";
import { FormMessage } from "@/app/_components/form-message";
import { useZodForm } from "@/app/_components/use-zod-form";
import { describeError } from "@/lib/forms";
import { confirmEnrollmentInput, recoveryCodeInput } from "@/lib/schemas/two-factor";
import { useTRPC } from "@/lib/trpc/client";

type Status = { enrolled: boolean; pending: boolean; recoveryCodesLeft: number };

/** Recovery codes, shown once, with a way to keep them. */
function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  return (
    <div role="region" aria-labelledby="recovery-codes-heading">
      <h3 id="recovery-codes-heading">Your recovery codes</h3>
      <p>
        Each code signs you in once if you lose your phone. Keep them somewhere safe (a password manager or on paper).{" "}
        <strong>They are shown only now.</strong>
      </p>
      <ul className="recovery-codes" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <p>
        <button
          type="button"
          className="secondary"
          onClick={() => void navigator.clipboard?.writeText(codes.join("\n"))}
        >
          Copy codes
        </button>{" "}
        <button type="button" onClick={onDone}>
          I have saved these codes
        </button>
      </p>
    </div>
  );
}

/** Two-factor authentication on the account page: enroll, recovery codes, reset with a recovery code. */
export function TwoFactor({ status, required, policyText }: { status: Status; required: boolean; policyText: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const begin = useMutation(trpc.me.twoFactor.begin.mutationOptions());
  const confirm = useMutation(trpc.me.twoFactor.confirm.mutationOptions());
  const regenerate = useMutation(trpc.me.twoFactor.regenerateRecoveryCodes.mutationOptions());
  const reset = useMutation(trpc.me.twoFactor.resetWithRecoveryCode.mutationOptions());
  const [setup, setSetup] = useState<{ secret: string; qrDataUrl: string } | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [resetOpen, setResetOpen] = useState(false);
  const resetForm = useRef<HTMLFormElement>(null);
  const confirmForm = useZodForm(confirmEnrollmentInput, async (input) => {
    const done = await confirm.mutateAsync(input);
    setSetup(null);
    setCodes(done.recoveryCodes);
  });
  const resetWithCode = useZodForm(recoveryCodeInput, async (input) => {
    await reset.mutateAsync(input);
    setResetOpen(false);
    router.refresh();
  });

  async function start() {
    setError(null);
    try {
      setSetup(await begin.mutateAsync());
    } catch (err) {
      setError(describeError(err).message);
    }
  }

  async function onRegenerate() {
    setError(null);
    try {
      setCodes((await regenerate.mutateAsync()).recoveryCodes);
    } catch (err) {
      setError(describeError(err).message);
    }
  }

  return (
    <section className="card narrow" aria-labelledby="two-factor-heading" id="two-factor">
      <h2 id="two-factor-heading">Two-factor authentication</h2>
      <p className="muted">{policyText}</p>
      {required && !status.enrolled && !codes && (
        <p className="alert" role="alert">
          Your practice requires two-factor authentication. Set it up to continue: until then you cannot open patient
          records.
        </p>
      )}
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      {codes ? (
        <RecoveryCodes
          codes={codes}
          onDone={() => {
            setCodes(null);
            router.refresh();
          }}
        />
      ) : status.enrolled ? (
        <>
          <p className="notice" role="status">
            Two-factor authentication is on. Recovery codes left: {status.recoveryCodesLeft}.
          </p>
          <p>
            <ConfirmButton
              title="Make 10 new recovery codes? Your current recovery codes stop working."
              confirmLabel="Make new codes"
              onConfirm={() => void onRegenerate()}
              disabled={regenerate.isPending}
            >
              {regenerate.isPending ? "Making codes…" : "New recovery codes"}
            </ConfirmButton>{" "}
            <button
              type="button"
              className="secondary"
              onClick={() => setResetOpen((o) => !o)}
              aria-expanded={resetOpen}
            >
              Lost your phone?
            </button>
          </p>
          {resetOpen && (
            <form ref={resetForm} onSubmit={resetWithCode.onSubmit} noValidate>
              <p className="muted">
                Enter one of your recovery codes to remove your authenticator, then set up a new one. Without a code,
                ask your practice admin.
              </p>
              <Field
                label="Recovery code"
                name="recoveryCode"
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
                error={resetWithCode.errors.recoveryCode}
                required
              />
              <FormMessage message={resetWithCode.message} />
              <ConfirmButton
                title="Remove your authenticator? You will set up two-factor again with a new secret."
                confirmLabel="Remove it"
                onConfirm={() => resetForm.current?.requestSubmit()}
                disabled={resetWithCode.pending}
              >
                {resetWithCode.pending ? "Checking…" : "Remove my authenticator"}
              </ConfirmButton>
            </form>
          )}
        </>
      ) : setup ? (
        <div>
          <ol className="steps">
            <li>
              Open your authenticator app (Google Authenticator, Microsoft Authenticator, 1Password, …) and scan this
              code:
            </li>
          </ol>
          {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL rendered on the server, nothing to optimise */}
          <img
            className="qr"
            src={setup.qrDataUrl}
            width={200}
            height={200}
            alt="QR code for your authenticator app (the same secret is written below)"
          />
          <p>
            Or type this secret:{" "}
            <code className="secret" data-testid="totp-secret">
              {setup.secret}
            </code>
          </p>
          <form onSubmit={confirmForm.onSubmit} noValidate>
            <Field
              label="6-digit code from the app"
              name="code"
              autoComplete="one-time-code"
              inputMode="numeric"
              pattern="[0-9]*"
              maxLength={7}
              error={confirmForm.errors.code}
              required
              autoFocus
            />
            <FormFooter message={confirmForm.message} pending={confirmForm.pending} pendingLabel="Checking…">
              Turn on two-factor
            </FormFooter>
          </form>
        </div>
      ) : (
        <p>
          <button type="button" onClick={() => void start()} disabled={begin.isPending}>
            {begin.isPending ? "Preparing…" : "Set up two-factor authentication"}
          </button>
        </p>
      )}
    </section>
  );
}
