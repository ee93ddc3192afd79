"use client";

import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { formatDate, formatDateTime, formatSex } from "@/lib/time";
import type { RouterOutputs } from "@/server/trpc/types";

type Patient = RouterOutputs["patients"]["byId"];

const FIELDS = [
  ["givenName", "Given name"],
  ["familyName", "Family name"],
  ["birthDate", "Birth date"],
  ["sex", "Sex"],
  ["phone", "Phone"],
  ["email", "Email"],
] as const;

function show(key: (typeof FIELDS)[number][0], value: string | null): string {
  if (!value) return "—";
  if (key === "birthDate") return formatDate(value);
  if (key === "sex") return formatSex(value);
  return value;
}

/**
 * What a colleague changed while this form was open: who, when, each field before and after. The
 * typed values stay in the form; "Apply mine on top" saves them over the latest details, "Review
 * their change" drops them (after asking) and shows the latest details.
 */
export function StaleEdit({
  base,
  latest,
  timeZone,
  onApplyMine,
  onReviewTheirs,
}: {
  base: Patient;
  latest: Patient;
  timeZone: string;
  onApplyMine: () => void;
  onReviewTheirs: () => void;
}) {
  const changed = FIELDS.filter(([key]) => (base[key] ?? null) !== (latest[key] ?? null));
  return (
    <div className="stale-edit" role="region" aria-labelledby="stale-edit-heading">
      <h3 id="stale-edit-heading">
        Their change ({latest.updatedByName ?? "someone else"}, {formatDateTime(latest.updatedAt, timeZone)})
      </h3>
      {changed.length === 0 ? (
        <p>They saved the same values you started from.</p>
      ) : (
        <ul className="stale-changes">
          {changed.map(([key, label]) => (
            <li key={key}>
              <strong>{label}:</strong> <del>{show(key, base[key])}</del> → <ins>{show(key, latest[key])}</ins>
            </li>
          ))}
        </ul>
      )}
      <p className="actions">
        <button type="button" onClick={onApplyMine}>
          Apply mine on top
        </button>
        <ConfirmButton
          title="Review their change?"
          body="Your typed values will be discarded and the latest details shown."
          confirmLabel="Discard mine and review"
          className="secondary"
          onConfirm={onReviewTheirs}
        >
          Review their change
        </ConfirmButton>
      </p>
    </div>
  );
}
