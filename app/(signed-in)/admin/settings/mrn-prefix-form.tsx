"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import { useZodForm } from "@/app/_components/use-zod-form";
import { mrnSettingsInput } from "@/lib/schemas/patients";
import { useTRPC } from "@/lib/trpc/client";

/** Admin → Settings → Medical record numbers: the prefix of the MRNs the practice generates. */
export function MrnPrefixForm({ prefix, example }: { prefix: string; example: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const save = useMutation(trpc.patients.setMrnPrefix.mutationOptions());
  const { errors, message, pending, onSubmit } = useZodForm(mrnSettingsInput, async (input) => {
    const next = await save.mutateAsync(input);
    router.refresh();
    return `Saved: the next generated MRN is ${next.example}.`;
  });
  return (
    <section className="card narrow" aria-labelledby="mrn-heading">
      <h2 id="mrn-heading">Medical record numbers</h2>
      <p className="muted">
        A registration that leaves the MRN blank gets the practice&apos;s next number, e.g. {example}. Existing MRNs do
        not change.
      </p>
      <form onSubmit={onSubmit} noValidate>
        <Field
          label="MRN prefix"
          name="prefix"
          defaultValue={prefix}
          error={errors.prefix}
          hint="Letters, digits and dashes, up to 12 (blank: digits only)."
        />
        <button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save prefix"}
        </button>
      </form>
      <FormMessage message={message} />
    </section>
  );
}
