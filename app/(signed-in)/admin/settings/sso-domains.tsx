"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { CopyButton } from "@/app/_components/copy-button";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import { useZodForm } from "@/app/_components/use-zod-form";
import { describeError } from "@/lib/forms";
import { ssoDomainInput, type SsoDomainStatus } from "@/lib/schemas/sso-domains";
import { ssoRecordName, ssoRecordValue } from "@/lib/sso-record";
import { useTRPC } from "@/lib/trpc/client";

type Domain = { domain: string; status: SsoDomainStatus };
type Notice = { ok: boolean; text: string } | null;

const STATUS: Record<SsoDomainStatus, string> = {
  pending: "Pending",
  dns: "Verified via DNS",
  operator: "Verified by operator",
};

/**
 * Settings section: the email domains the practice's single sign-on covers. Each is pending until
 * its DNS record proves the practice controls it ("Check DNS"), or the operator verifies it.
 */
export function SsoDomains({ domains, token }: { domains: Domain[]; token: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const add = useMutation(trpc.admin.settings.addSsoDomain.mutationOptions());
  const { errors, message, pending, onSubmit, setMessage } = useZodForm(ssoDomainInput, async (input, form) => {
    await add.mutateAsync(input);
    form.reset();
    router.refresh();
    return `${input.domain} added. Create its DNS record, then press “Check DNS”.`;
  });

  const changed = (next: Notice) => {
    setMessage(next);
    router.refresh();
  };

  return (
    <section className="card" aria-labelledby="sso-domains">
      <h2 id="sso-domains">Single sign-on domains</h2>
      <p className="muted">
        Members can use the practice&apos;s sign-in only with an address in a verified domain. To prove the practice
        controls a domain, add the TXT record shown to the domain&apos;s DNS, then press “Check DNS”. A domain serves
        one practice only; public mail domains (gmail.com, outlook.com, …) cannot be added.
      </p>
      {domains.length === 0 ? (
        <p>No domains yet.</p>
      ) : (
        <ul className="sso-domains">
          {domains.map((d) => (
            <DomainRow key={d.domain} domain={d} token={token} onChanged={changed} />
          ))}
        </ul>
      )}
      <form onSubmit={onSubmit} noValidate>
        <Field
          label="Email domain"
          name="domain"
          placeholder="example.org"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          error={errors.domain}
          required
        />
        <p>
          <button type="submit" disabled={pending}>
            {pending ? "Adding…" : "Add domain"}
          </button>
        </p>
      </form>
      <FormMessage message={message} />
    </section>
  );
}

function DomainRow({
  domain: d,
  token,
  onChanged,
}: {
  domain: Domain;
  token: string;
  onChanged: (notice: Notice) => void;
}) {
  const trpc = useTRPC();
  const verify = useMutation(trpc.admin.settings.verifySsoDomain.mutationOptions());
  const remove = useMutation(trpc.admin.settings.removeSsoDomain.mutationOptions());
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();
  const name = ssoRecordName(d.domain);
  const value = ssoRecordValue(token);

  async function check() {
    setError(null);
    try {
      await verify.mutateAsync({ domain: d.domain });
      onChanged({ ok: true, text: `${d.domain} is verified.` });
    } catch (err) {
      setError(describeError(err).message);
    }
  }

  return (
    <li>
      <p>
        <strong>{d.domain}</strong>{" "}
        <span className={`status-badge ${d.status === "pending" ? "draft" : "signed"}`}>{STATUS[d.status]}</span>
      </p>
      {d.status !== "operator" && (
        <dl className="details">
          <dt>Record name</dt>
          <dd>
            <code>{name}</code> <CopyButton text={name} what={`the record name for ${d.domain}`} />
          </dd>
          <dt>Type</dt>
          <dd>TXT</dd>
          <dt>Value</dt>
          <dd>
            <code>{value}</code> <CopyButton text={value} what={`the record value for ${d.domain}`} />
          </dd>
        </dl>
      )}
      {d.status === "dns" && (
        <p className="muted">
          Keep this record: sign-in checks it again (at most hourly), and without it the domain goes back to pending.
        </p>
      )}
      <p className="actions">
        {d.status === "pending" && (
          <button
            type="button"
            onClick={() => void check()}
            disabled={verify.isPending}
            aria-busy={verify.isPending || undefined}
            aria-describedby={error ? errorId : undefined}
          >
            {verify.isPending ? "Checking…" : "Check DNS"}
            <span className="visually-hidden"> for {d.domain}</span>
          </button>
        )}
        <ConfirmButton
          title={`Remove ${d.domain}?`}
          body="Members with an address there can no longer use the practice's sign-in. Adding it again needs a new DNS check."
          confirmLabel="Remove"
          onConfirm={() =>
            remove.mutateAsync({ domain: d.domain }).then(
              () => onChanged({ ok: true, text: `${d.domain} removed.` }),
              (err: unknown) => setError(describeError(err).message),
            )
          }
        >
          Remove<span className="visually-hidden"> {d.domain}</span>
        </ConfirmButton>
      </p>
      {error && (
        <p id={errorId} className="alert" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
