"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { describeError } from "@/lib/forms";
import type { MfaPolicy } from "@/lib/schemas/two-factor";
import { useTRPC } from "@/lib/trpc/client";

const choices: [MfaPolicy, string, string][] = [
  ["off", "Off", "Nobody has to use two-factor (anyone may still turn it on)."],
  ["admins", "Admins (default)", "Practice admins must set it up before they can open anything."],
  ["everyone", "Everyone", "Every member must set it up before they can open patient records."],
];

type Member = { userId: string; name: string; email: string; role: string; enrolledAt: Date | null };

/** Settings section: who must use two-factor, each member's state, and an admin's reset of a member's factor. */
export function TwoFactorSettings({ policy, members, me }: { policy: MfaPolicy; members: Member[]; me: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const setPolicy = useMutation(trpc.admin.settings.setMfaPolicy.mutationOptions());
  const reset = useMutation(trpc.admin.settings.resetMemberFactor.mutationOptions());
  const [current, setCurrent] = useState<MfaPolicy>(policy);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function choose(next: MfaPolicy) {
    setMessage(null);
    const before = current;
    setCurrent(next);
    try {
      await setPolicy.mutateAsync({ policy: next });
      setMessage({ ok: true, text: `Two-factor policy saved: ${choices.find((c) => c[0] === next)![1]}.` });
    } catch (err) {
      setCurrent(before);
      setMessage({ ok: false, text: describeError(err).message });
    }
  }

  async function resetMember(m: Member) {
    setMessage(null);
    try {
      await reset.mutateAsync({ userId: m.userId });
      setMessage({
        ok: true,
        text: `${m.name}'s second factor was reset. They set it up again at their next sign-in.`,
      });
      router.refresh();
    } catch (err) {
      setMessage({ ok: false, text: describeError(err).message });
    }
  }

  return (
    <section className="card" aria-labelledby="two-factor-settings">
      <h2 id="two-factor-settings">Two-factor authentication</h2>
      <fieldset disabled={setPolicy.isPending}>
        <legend>Who must use two-factor authentication</legend>
        {choices.map(([value, label, hint]) => (
          <div key={value} className="choice">
            <input
              type="radio"
              id={`mfa-${value}`}
              name="mfaPolicy"
              value={value}
              checked={current === value}
              onChange={() => void choose(value)}
            />
            <label htmlFor={`mfa-${value}`}>
              {label}
              <span className="muted hint">{hint}</span>
            </label>
          </div>
        ))}
      </fieldset>
      {message && (
        <p className={message.ok ? "notice" : "alert"} role={message.ok ? "status" : "alert"}>
          {message.text}
        </p>
      )}
      <h3>Members</h3>
      <ul className="mfa-members" aria-label="Two-factor by member">
        {members.map((m) => (
          <li key={m.userId}>
            <span>
              <strong>{m.name}</strong>{" "}
              <span className="muted">
                {m.email} · {m.role}
              </span>
            </span>
            <span>
              {m.enrolledAt ? "Two-factor on" : "Not set up"}
              {m.enrolledAt && m.userId !== me && (
                <>
                  {" "}
                  <ConfirmButton
                    title={`Reset ${m.name}'s second factor? Their authenticator and recovery codes stop working, and they must set up two-factor again.`}
                    confirmLabel="Reset"
                    onConfirm={() => void resetMember(m)}
                    disabled={reset.isPending}
                  >
                    Reset two-factor
                  </ConfirmButton>
                </>
              )}
            </span>
          </li>
        ))}
      </ul>
      <p className="muted">To reset your own, use one of your recovery codes on your account page.</p>
    </section>
  );
}
