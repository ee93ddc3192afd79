"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import { useZodForm } from "@/app/_components/use-zod-form";
import { describeError } from "@/lib/forms";
import { ssoConfigInput } from "@/lib/schemas/two-factor";
import { useTRPC } from "@/lib/trpc/client";

type Sso = { issuer: string; clientId: string; updatedAt: Date } | null;

/** Settings section: the practice's OpenID Connect identity provider (the client secret is write-only). */
export function SsoSettings({ sso, redirectBase, slug }: { sso: Sso; redirectBase: string; slug: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const save = useMutation(trpc.admin.settings.saveSso.mutationOptions());
  const remove = useMutation(trpc.admin.settings.removeSso.mutationOptions());
  const redirectUri = `${redirectBase}sso-${slug}`;
  const { errors, message, pending, onSubmit, setMessage } = useZodForm(
    ssoConfigInput,
    async (input) => {
      await save.mutateAsync(input);
      router.refresh();
      return "Single sign-on saved. Members with an address in a verified domain (below) now see “Continue with your practice's sign-in”.";
    },
    (data) => ({ ...Object.fromEntries(data), clientSecret: data.get("clientSecret") || undefined }),
  );

  return (
    <section className="card" aria-labelledby="sso-settings">
      <h2 id="sso-settings">Single sign-on (OpenID Connect)</h2>
      <p className="muted">
        Register CareRoster with your identity provider (Google Workspace, Microsoft Entra ID, …) as a web application
        with the redirect URI <code className="wrap">{redirectUri}</code> and the scopes{" "}
        <code>openid email profile</code>. It signs in members whose address is in a verified domain (below): someone
        you invite without an account gets one from it; someone who already has an account links it once with their own
        password and code. It never opens another practice.
      </p>
      <form onSubmit={onSubmit} noValidate>
        <Field
          label="Issuer URL"
          name="issuer"
          type="url"
          defaultValue={sso?.issuer}
          placeholder="https://accounts.google.com"
          error={errors.issuer}
          required
        />
        <Field
          label="Client id"
          name="clientId"
          defaultValue={sso?.clientId}
          autoComplete="off"
          error={errors.clientId}
          required
        />
        <Field
          label={sso ? "Client secret (leave empty to keep the stored one)" : "Client secret"}
          name="clientSecret"
          type="password"
          autoComplete="new-password"
          error={errors.clientSecret}
          required={!sso}
        />
        <p>
          <button type="submit" disabled={pending}>
            {pending ? "Saving…" : "Save single sign-on"}
          </button>{" "}
          {sso && (
            <ConfirmButton
              title="Remove single sign-on? Members sign in with their password (and two-factor) again."
              confirmLabel="Remove"
              disabled={remove.isPending}
              onConfirm={() =>
                void remove.mutateAsync().then(
                  () => {
                    setMessage({ ok: true, text: "Single sign-on removed." });
                    router.refresh();
                  },
                  (err: unknown) => setMessage({ ok: false, text: describeError(err).message }),
                )
              }
            >
              Remove single sign-on
            </ConfirmButton>
          )}
        </p>
      </form>
      <FormMessage message={message} />
    </section>
  );
}
