"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { CopyButton } from "@/app/_components/copy-button";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import { useZodForm } from "@/app/_components/use-zod-form";
import { describeError } from "@/lib/forms";
import { registerAppInput } from "@/lib/schemas/smart";
import { useTRPC } from "@/lib/trpc/client";

type AppRow = {
  id: string;
  clientId: string;
  name: string;
  redirectUris: string[];
  confidential: boolean;
  scopeWords: string[];
  registered: string;
  disabled: string | null;
};

/** The practice's apps, each with its client id and a way to turn it off (asks first). */
export function AppsList({ apps }: { apps: AppRow[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const disable = useMutation(trpc.admin.apps.disable.mutationOptions());
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <section className="card" aria-labelledby="apps-heading">
      <h2 id="apps-heading">Registered apps</h2>
      {apps.length === 0 ? (
        <p className="empty">No apps yet. Register one below.</p>
      ) : (
        <ul className="app-list">
          {apps.map((a) => (
            <li key={a.id}>
              <h3>
                {a.name}{" "}
                <span className={`status-badge ${a.disabled ? "draft" : "signed"}`}>
                  {a.disabled ? `Off since ${a.disabled}` : "On"}
                </span>
              </h3>
              <dl className="details">
                <dt>Client id</dt>
                <dd>
                  <code>{a.clientId}</code> <CopyButton text={a.clientId} what={`the client id of ${a.name}`} />
                </dd>
                <dt>Kind</dt>
                <dd>{a.confidential ? "Confidential (has a secret)" : "Public (no secret; PKCE only)"}</dd>
                <dt>Redirect URIs</dt>
                <dd>
                  {a.redirectUris.map((u) => (
                    <code key={u} className="wrap">
                      {u}
                    </code>
                  ))}
                </dd>
                <dt>May ask for</dt>
                <dd>{a.scopeWords.join("; ")}</dd>
                <dt>Registered</dt>
                <dd>{a.registered}</dd>
              </dl>
              {!a.disabled && (
                <ConfirmButton
                  title={`Turn ${a.name} off?`}
                  body="Everyone's access through this app ends now, and it cannot be turned on again (register it anew instead)."
                  confirmLabel="Turn off"
                  onConfirm={() =>
                    disable.mutateAsync({ appId: a.id }).then(
                      (r) => {
                        setMessage({ ok: true, text: `${a.name} is off; ${r.endedSessions} access(es) ended.` });
                        router.refresh();
                      },
                      (err: unknown) => setMessage({ ok: false, text: describeError(err).message }),
                    )
                  }
                >
                  Turn off<span className="visually-hidden"> {a.name}</span>
                </ConfirmButton>
              )}
            </li>
          ))}
        </ul>
      )}
      <FormMessage message={message} />
    </section>
  );
}

const readForm = (data: FormData) => ({
  name: data.get("name"),
  redirectUris: String(data.get("redirectUris") ?? "")
    .split(/\s+/)
    .filter(Boolean),
  confidential: data.get("kind") === "confidential",
  scopes: data.getAll("scopes"),
});

/** Registers an app; a confidential app's secret is shown here once. */
export function RegisterApp({ scopes }: { scopes: { scope: string; words: string }[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const register = useMutation(trpc.admin.apps.register.mutationOptions());
  const [created, setCreated] = useState<{ name: string; clientId: string; clientSecret: string | null } | null>(null);
  const { errors, message, pending, onSubmit } = useZodForm(
    registerAppInput,
    async (input, form) => {
      const r = await register.mutateAsync(input);
      setCreated({ name: input.name, clientId: r.clientId, clientSecret: r.clientSecret });
      form.reset();
      router.refresh();
      return `${input.name} is registered.`;
    },
    readForm,
  );
  return (
    <section className="card" aria-labelledby="register-heading">
      <h2 id="register-heading">Register an app</h2>
      {created && (
        <div className="notice" role="status" data-testid="app-credentials">
          <p>
            Give these to {created.name}&apos;s developer. Client id: <code>{created.clientId}</code>{" "}
            <CopyButton text={created.clientId} what="the client id" />
          </p>
          {created.clientSecret && (
            <p>
              Client secret (shown only now; CareRoster keeps only a hash): <code>{created.clientSecret}</code>{" "}
              <CopyButton text={created.clientSecret} what="the client secret" />
            </p>
          )}
        </div>
      )}
      <form onSubmit={onSubmit} noValidate>
        <Field label="Name members will see" name="name" error={errors.name} required maxLength={80} />
        <Field
          as="textarea"
          label="Redirect URIs"
          name="redirectUris"
          rows={3}
          error={errors.redirectUris}
          hint="One per line. Matched exactly; https only (http only on localhost)."
          spellCheck={false}
          required
        />
        <fieldset>
          <legend>Kind</legend>
          <label>
            <input type="radio" name="kind" value="public" defaultChecked /> Public: runs in a browser or on a device,
            keeps no secret
          </label>
          <label>
            <input type="radio" name="kind" value="confidential" /> Confidential: runs on a server that keeps a secret
          </label>
        </fieldset>
        <fieldset className="app-scopes" aria-describedby={errors.scopes ? "scopes-error" : undefined}>
          <legend>What it may ask for</legend>
          {scopes.map((s) => (
            <label key={s.scope}>
              <input type="checkbox" name="scopes" value={s.scope} /> {s.words}&nbsp;
              <code className="muted">{s.scope}</code>
            </label>
          ))}
          {errors.scopes && (
            <p id="scopes-error" className="field-error">
              {errors.scopes}
            </p>
          )}
        </fieldset>
        <button type="submit" disabled={pending}>
          {pending ? "Registering…" : "Register app"}
        </button>
      </form>
      <FormMessage message={message} />
    </section>
  );
}
