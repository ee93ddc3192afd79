"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { describeError } from "@/lib/forms";
import { breakGlassReviewInput } from "@/lib/schemas/break-glass";
import { useTRPC } from "@/lib/trpc/client";

export function ReviewForm({ id, label }: { id: string; label: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const review = useMutation(
    trpc.admin.breakGlass.review.mutationOptions({
      onSuccess: () => router.refresh(),
      onError: (e) => setError(describeError(e).message),
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = breakGlassReviewInput.safeParse({ id, comment: new FormData(event.currentTarget).get("comment") });
    if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? "Add a comment.");
    setError(null);
    review.mutate(parsed.data);
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-label={`Review ${label}`}>
      <label htmlFor={`comment-${id}`}>Review comment</label>
      <textarea id={`comment-${id}`} name="comment" rows={2} aria-invalid={error ? true : undefined} />
      {error && <p className="field-error">{error}</p>}
      <button type="submit" disabled={review.isPending}>
        Mark reviewed
      </button>
    </form>
  );
}
