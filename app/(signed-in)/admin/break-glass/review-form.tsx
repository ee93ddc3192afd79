"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import { useZodForm } from "@/app/_components/use-zod-form";
import { breakGlassReviewInput } from "@/lib/schemas/break-glass";
import { useTRPC } from "@/lib/trpc/client";

export function ReviewForm({ id, label }: { id: string; label: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const review = useMutation(trpc.admin.breakGlass.review.mutationOptions());
  const { errors, message, pending, onSubmit } = useZodForm(
    breakGlassReviewInput,
    async (input) => {
      await review.mutateAsync(input);
      router.refresh();
    },
    (data) => ({ id, comment: data.get("comment") }),
  );

  return (
    <form onSubmit={onSubmit} noValidate aria-label={`Review ${label}`}>
      <Field as="textarea" id={`comment-${id}`} label="Review comment" name="comment" rows={2} error={errors.comment} />
      <FormMessage message={message} />
      <button type="submit" disabled={pending}>
        Mark reviewed
      </button>
    </form>
  );
}
