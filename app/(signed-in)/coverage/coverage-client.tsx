"use client";

import { DateTimeField } from "@/app/_components/date-field";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmDialog } from "@/app/_components/confirm-dialog";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import { useZodForm } from "@/app/_components/use-zod-form";
import { coverageInput } from "@/lib/schemas/coverage";
import { formatDateTime, parseDateTime, wallTimeInZone, zoneAbbreviation } from "@/lib/time";
import { useTRPC } from "@/lib/trpc/client";
import type { RouterOutputs } from "@/server/trpc/types";

type Row = RouterOutputs["coverage"]["list"][number];

export function CoverageClient({
  me,
  admin,
  clinicians,
  list,
  timeZone,
}: {
  me: string;
  /** The practice's time zone: times are shown in it and the "Until" field is read in it. */
  timeZone: string;
  admin: boolean;
  clinicians: { id: string; name: string }[];
  list: Row[];
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [preview, setPreview] = useState<RouterOutputs["coverage"]["preview"] | null>(null);
  const [ending, setEnding] = useState<Row | null>(null);
  const previewM = useMutation(trpc.coverage.preview.mutationOptions());
  const create = useMutation(trpc.coverage.create.mutationOptions());
  const end = useMutation(trpc.coverage.end.mutationOptions());
  const others = clinicians.filter((c) => c.id !== me);
  const fmt = { format: (d: Date) => formatDateTime(d, timeZone) };

  const { errors, message, pending, onSubmit } = useZodForm(
    // An admin names the covered clinician too; a clinician hands over their own patients.
    coverageInput.refine((v) => !admin || v.coveredId, { path: ["coveredId"], message: "Choose who is covered" }),
    async (input, form, intent) => {
      if (intent === "preview") {
        setPreview(await previewM.mutateAsync(input));
        return;
      }
      await create.mutateAsync(input);
      setPreview(null);
      form.reset();
      router.refresh();
      return "Cover saved.";
    },
    (data) => {
      const until = String(data.get("endsAt") ?? "");
      return {
        coveringId: data.get("coveringId") || undefined,
        coveredId: admin ? data.get("coveredId") || undefined : undefined,
        endsAt: until ? (wallTimeInZone(parseDateTime(until) ?? "", timeZone) ?? undefined) : undefined,
        reason: data.get("reason"),
      };
    },
  );

  return (
    <div className="stack">
      <section className="card" aria-labelledby="new-cover">
        <h2 id="new-cover">{admin ? "Arrange cover" : "Hand over your patients"}</h2>
        <p className="muted">
          {admin
            ? "Choose who covers whom. While it lasts, the covering clinician sees exactly the covered clinician's care-team patients."
            : "While you are away, a colleague sees exactly your care-team patients, until the time you choose (at most 30 days)."}
        </p>
        <form onSubmit={onSubmit} noValidate onChange={() => setPreview(null)}>
          {admin && (
            <Field as="select" label="Covered clinician" name="coveredId" defaultValue="" error={errors.coveredId}>
              <option value="">Choose…</option>
              {clinicians.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </Field>
          )}
          <Field as="select" label="Covering clinician" name="coveringId" defaultValue="" error={errors.coveringId}>
            <option value="">Choose…</option>
            {(admin ? clinicians : others).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </Field>
          <DateTimeField
            label={`Until (${zoneAbbreviation(new Date(), timeZone)}, the practice's time)`}
            name="endsAt"
            error={errors.endsAt}
          />
          <Field label="Reason" name="reason" placeholder="e.g. annual leave" error={errors.reason} />
          {preview && (
            <p className="notice" role="status" data-testid="coverage-preview">
              {preview.total === null ? (
                <>
                  +{preview.added} of your patients for {preview.coveringName} while the cover lasts (those not already
                  on their care team).
                </>
              ) : (
                <>
                  +{preview.added} patient{preview.added === 1 ? "" : "s"} for {preview.coveringName} (cover for{" "}
                  {preview.coveredName}; {preview.total} in all while it lasts).
                </>
              )}
            </p>
          )}
          <FormMessage message={message} />
          <p className="actions">
            <button type="submit" name="intent" value="preview" className="secondary" disabled={pending}>
              {previewM.isPending ? "Checking…" : "Preview access"}
            </button>
            <button type="submit" name="intent" value="save" disabled={pending}>
              {create.isPending ? "Saving…" : "Save cover"}
            </button>
          </p>
        </form>
      </section>

      <section className="card" aria-labelledby="cover-list">
        <h2 id="cover-list">{admin ? "Cover in this practice" : "Your cover"}</h2>
        {list.length === 0 ? (
          <p className="empty">No cover arranged.</p>
        ) : (
          <ul className="plain" aria-label="Cover">
            {list.map((c) => (
              <li key={c.id}>
                <span>
                  <strong>{c.coveringName}</strong> covers <strong>{c.coveredName}</strong>
                  <br />
                  <span className="muted">
                    {fmt.format(c.startsAt)} → {fmt.format(c.endedAt ?? c.endsAt)}
                    {c.endedAt ? " (ended early)" : c.active ? " (active)" : ""} · {c.reason}
                  </span>
                </span>
                {c.active && (
                  <button type="button" className="secondary" onClick={() => setEnding(c)}>
                    End now
                    <span className="visually-hidden">
                      : {c.coveringName} covering {c.coveredName}
                    </span>
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <ConfirmDialog
        open={ending !== null}
        title="End this cover now?"
        confirmLabel="End cover"
        busy={end.isPending}
        onCancel={() => setEnding(null)}
        onConfirm={async () => {
          if (!ending) return;
          try {
            await end.mutateAsync({ id: ending.id });
          } finally {
            setEnding(null);
            router.refresh();
          }
        }}
      >
        <p>
          {ending?.coveringName} stops seeing {ending?.coveredName}&apos;s patients immediately.
        </p>
      </ConfirmDialog>
    </div>
  );
}
