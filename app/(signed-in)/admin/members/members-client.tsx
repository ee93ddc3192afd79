"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import { useZodForm } from "@/app/_components/use-zod-form";
import { describeError } from "@/lib/forms";
import { inviteInput } from "@/lib/schemas/accounts";
import { useTRPC } from "@/lib/trpc/client";
import type { RouterOutputs } from "@/server/trpc/types";
import { MemberSessions } from "./member-sessions";

type Member = RouterOutputs["admin"]["members"]["list"][number];

export function MemberActions({ member, timeZone }: { member: Member; timeZone: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [status, setStatusMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const onError = (e: unknown) => setStatusMessage({ ok: false, text: describeError(e).message });
  const setStatus = useMutation(trpc.admin.members.setStatus.mutationOptions());
  const setRole = useMutation(trpc.admin.members.setRole.mutationOptions());
  const suspended = member.status === "suspended";
  const nextRole = member.role === "admin" ? "clinician" : "admin";
  return (
    <span className="actions">
      <ConfirmButton
        tone={suspended ? "primary" : "danger"}
        disabled={setStatus.isPending}
        title={suspended ? `Reactivate ${member.name}?` : `Suspend ${member.name}?`}
        body={
          suspended
            ? `${member.name} can sign in to this practice again and sees their patients from their next request.`
            : `${member.name} loses access to this practice on their next request and every session they have ends now. Their care teams stay; you can reactivate them later.`
        }
        confirmLabel={suspended ? "Reactivate" : "Suspend member"}
        onConfirm={async () => {
          try {
            await setStatus.mutateAsync({ userId: member.userId, status: suspended ? "active" : "suspended" });
            setStatusMessage({
              ok: true,
              text: suspended ? `${member.name} reactivated.` : `${member.name} suspended.`,
            });
            router.refresh();
          } catch (e) {
            onError(e);
          }
        }}
      >
        {suspended ? "Reactivate" : "Suspend"} <span className="visually-hidden">{member.name}</span>
      </ConfirmButton>
      <ConfirmButton
        tone={nextRole === "admin" ? "primary" : "danger"}
        className="secondary"
        disabled={setRole.isPending}
        title={`Make ${member.name} ${nextRole === "admin" ? "an admin" : "a clinician"}?`}
        body={
          nextRole === "admin"
            ? `${member.name} will manage members, care teams, patients and the audit log of this practice. Admins read no clinical notes unless they are on the care team.`
            : `${member.name} stops being an admin of this practice: no more member, care-team or audit management.`
        }
        confirmLabel={nextRole === "admin" ? "Make admin" : "Make clinician"}
        onConfirm={async () => {
          try {
            await setRole.mutateAsync({ userId: member.userId, role: nextRole });
            setStatusMessage({
              ok: true,
              text: `${member.name} is now ${nextRole === "admin" ? "an admin" : "a clinician"}.`,
            });
            router.refresh();
          } catch (e) {
            onError(e);
          }
        }}
      >
        Make {nextRole} <span className="visually-hidden">{member.name}</span>
      </ConfirmButton>
      {!suspended && <MemberSessions userId={member.userId} name={member.name} timeZone={timeZone} />}
      {status && (
        <span className={status.ok ? "muted" : "field-error"} role={status.ok ? "status" : "alert"}>
          {status.text}
        </span>
      )}
    </span>
  );
}

/** Invites by email. The answer is "Invitation sent" whoever the email belongs to; no password, token or link is ever shown. */
export function InviteMember() {
  const trpc = useTRPC();
  const router = useRouter();
  const invite = useMutation(trpc.admin.members.invite.mutationOptions());
  const { errors, message, pending, onSubmit } = useZodForm(inviteInput, async (input, form) => {
    await invite.mutateAsync(input);
    form.reset();
    router.refresh();
    return `Invitation sent to ${input.email}.`;
  });

  return (
    <section className="card narrow spaced" aria-labelledby="invite-member">
      <h2 id="invite-member">Invite a member</h2>
      <p className="muted">
        They get an email with a link that works once, for 72 hours. Someone new sets their own password; someone who
        already has a CareRoster account signs in and accepts. Nobody joins until they accept.
      </p>
      <form onSubmit={onSubmit} noValidate>
        <Field label="Email" name="email" type="email" autoComplete="off" error={errors.email} required />
        <Field label="Full name" name="name" autoComplete="off" error={errors.name} required />
        <Field as="select" label="Role" name="role" defaultValue="clinician" error={errors.role}>
          <option value="clinician">Clinician</option>
          <option value="admin">Admin</option>
        </Field>
        <button type="submit" disabled={pending}>
          {pending ? "Sending…" : "Send invitation"}
        </button>
      </form>
      <FormMessage message={message} />
    </section>
  );
}

type Invitation = RouterOutputs["admin"]["members"]["invitations"][number];

export function InvitationActions({ invitation }: { invitation: Invitation }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const onError = (e: unknown) => setStatus({ ok: false, text: describeError(e).message });
  const resend = useMutation(
    trpc.admin.members.resendInvitation.mutationOptions({
      onSuccess: () => {
        setStatus({ ok: true, text: "Invitation sent again." });
        router.refresh();
      },
      onError,
    }),
  );
  const revoke = useMutation(
    trpc.admin.members.revokeInvitation.mutationOptions({
      onSuccess: () => {
        setStatus({ ok: true, text: `Invitation to ${invitation.email} revoked.` });
        router.refresh();
      },
      onError,
    }),
  );
  const busy = resend.isPending || revoke.isPending;
  return (
    <span className="actions">
      <button
        type="button"
        className="secondary"
        disabled={busy}
        onClick={() => resend.mutate({ invitationId: invitation.id })}
      >
        Resend <span className="visually-hidden">invitation to {invitation.email}</span>
      </button>
      <ConfirmButton
        disabled={busy}
        title={`Revoke the invitation to ${invitation.email}?`}
        body="The emailed link stops working at once. You can invite them again later."
        confirmLabel="Revoke invitation"
        onConfirm={() => revoke.mutateAsync({ invitationId: invitation.id }).catch(() => undefined)}
      >
        Revoke <span className="visually-hidden">invitation to {invitation.email}</span>
      </ConfirmButton>
      {status && (
        <span className={status.ok ? "muted" : "field-error"} role={status.ok ? "status" : "alert"}>
          {status.text}
        </span>
      )}
    </span>
  );
}
