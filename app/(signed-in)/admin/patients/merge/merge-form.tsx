"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { describeError } from "@/lib/forms";
import { useTRPC } from "@/lib/trpc/client";
import { recordLabel, type NamedRecord } from "@/app/(signed-in)/admin/patients/record-label";

type Chart = NamedRecord & { id: string; archivedAt: Date | null };

/** Pick the chart to keep, then confirm with both records named; the result is announced. */
export function MergeForm({ merge, candidates }: { merge: Chart; candidates: Chart[] }) {
  const trpc = useTRPC();
  const run = useMutation(trpc.patients.merge.mutationOptions());
  const [keepId, setKeepId] = useState<string | null>(null);
  const [done, setDone] = useState<{ ok: boolean; text: string; keptId?: string } | null>(null);
  const keep = candidates.find((c) => c.id === keepId) ?? null;

  async function confirm() {
    if (!keep) return;
    try {
      const result = await run.mutateAsync({ keepId: keep.id, mergeId: merge.id });
      setDone({
        ok: true,
        keptId: keep.id,
        text: `Merged ${recordLabel(merge)} into ${recordLabel(keep)}: ${result.moved.appointments} appointment(s) and ${result.moved.careTeam} care-team member(s) moved, ${result.moved.notes} note(s) now shown on the kept chart.`,
      });
    } catch (e) {
      setDone({ ok: false, text: describeError(e).message });
    }
  }

  const merged = done?.ok === true;
  return (
    <section className="card narrow-wide" aria-labelledby="merge-heading">
      <h2 id="merge-heading">Merge away</h2>
      <p className="record-facts" data-testid="merge-away">
        <strong>{recordLabel(merge)}</strong>
      </p>
      {merge.archivedAt && !merged && <p className="field-error">This chart is archived: restore it before merging.</p>}
      {!merged && (
        <fieldset className="field-group">
          <legend>Keep this chart</legend>
          {candidates.length === 0 ? (
            <p className="muted">No other chart matches this search. Search by another name or the MRN.</p>
          ) : (
            candidates.map((c) => (
              <label key={c.id} className="choice">
                <input
                  type="radio"
                  name="keepId"
                  value={c.id}
                  checked={keepId === c.id}
                  onChange={() => setKeepId(c.id)}
                />
                {recordLabel(c)}
              </label>
            ))
          )}
        </fieldset>
      )}
      <p className="actions">
        {!merged && (
          <ConfirmButton
            disabled={!keep || Boolean(merge.archivedAt) || run.isPending}
            title={`Merge ${merge.givenName} ${merge.familyName} into the kept chart?`}
            body={
              keep && (
                <>
                  <p>Merge away (archived, kept as a redirect):</p>
                  <p className="record-facts">
                    <strong>{recordLabel(merge)}</strong>
                  </p>
                  <p>Into (kept):</p>
                  <p className="record-facts">
                    <strong>{recordLabel(keep)}</strong>
                  </p>
                  <p>This cannot be undone from the app.</p>
                </>
              )
            }
            confirmLabel="Merge charts"
            onConfirm={confirm}
          >
            Merge into the chosen chart
          </ConfirmButton>
        )}
      </p>
      <p className={done && !done.ok ? "field-error" : "muted"} role="status" aria-live="polite">
        {done?.text}
      </p>
      {done?.keptId && (
        <p>
          <Link href={`/patients/${done.keptId}`}>Open the kept chart</Link>
        </p>
      )}
    </section>
  );
}
