"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Field } from "@/app/_components/field";
import { describeError, fieldErrors, type FieldErrors } from "@/lib/forms";
import { memberAddInput } from "@/lib/schemas/admin";
import { useTRPC } from "@/lib/trpc/client";
import type { RouterOutputs } from "@/server/trpc/types";
import { MemberSessions } from "./member-sessions";

type Member = RouterOutputs["admin"]["members"]["list"][number];

export function MemberActions({ member }: { member: Member }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const onDone = { onSuccess: () => router.refresh(), onError: (e: unknown) => setError(describeError(e).message) };
  const setStatus = useMutation(trpc.admin.members.setStatus.mutationOptions(onDone));
  const setRole = useMutation(trpc.admin.members.setRole.mutationOptions(onDone));
  const suspended = member.status === "suspended";
  return (
    <span className="actions">
      <button type="button" className="secondary" disabled={setStatus.isPending} onClick={() => setStatus.mutate({ userId: member.userId, status: suspended ? "active" : "suspended" })}>
        {suspended ? "Reactivate" : "Suspend"} <span className="visually-hidden">{member.name}</span>
      </button>
      <button type="button" className="secondary" disabled={setRole.isPending} onClick={() => setRole.mutate({ userId: member.userId, role: member.role === "admin" ? "clinician" : "admin" })}>
        Make {member.role === "admin" ? "clinician" : "admin"} <span className="visually-hidden">{member.name}</span>
      </button>
      {!suspended && <MemberSessions userId={member.userId} name={member.name} />}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}

export function AddMember() {
  const trpc = useTRPC();
  const router = useRouter();
  const [kind, setKind] = useState<"existing" | "new">("existing");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [oneTime, setOneTime] = useState<string | null>(null);
  const add = useMutation(trpc.admin.members.add.mutationOptions());

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formEl = event.currentTarget;
    const parsed = memberAddInput.safeParse({ ...Object.fromEntries(new FormData(formEl)), kind });
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error.issues));
      return;
    }
    setErrors({});
    setOneTime(null);
    try {
      const result = await add.mutateAsync(parsed.data);
      formEl.reset();
      setMessage("Member added.");
      setOneTime(result.oneTimePassword);
      router.refresh();
    } catch (err) {
      const d = describeError(err);
      setErrors(d.fields);
      setMessage(d.message);
    }
  }

  return (
    <section className="card narrow" aria-labelledby="add-member">
      <h2 id="add-member">Add a member</h2>
      <fieldset>
        <legend>Who</legend>
        <label>
          <input type="radio" name="kind" checked={kind === "existing"} onChange={() => setKind("existing")} /> Someone with an account
        </label>
        <label>
          <input type="radio" name="kind" checked={kind === "new"} onChange={() => setKind("new")} /> A new account
        </label>
      </fieldset>
      <form onSubmit={onSubmit} noValidate>
        <Field label="Email" name="email" type="email" error={errors.email} required />
        {kind === "new" && <Field label="Full name" name="name" error={errors.name} required />}
        <div className="field">
          <label htmlFor="member-role">Role</label>
          <select id="member-role" name="role" defaultValue="clinician">
            <option value="clinician">Clinician</option>
            <option value="admin">Admin</option>
          </select>
        </div>
        <button type="submit" disabled={add.isPending}>
          {add.isPending ? "Adding…" : "Add member"}
        </button>
      </form>
      {message && (
        <p className={oneTime || message === "Member added." ? "notice" : "alert"} role="status">
          {message}
        </p>
      )}
      {oneTime && (
        <p className="notice" role="status">
          One-time password (shown once, give it to them in person): <code data-testid="one-time-password">{oneTime}</code>
        </p>
      )}
    </section>
  );
}
