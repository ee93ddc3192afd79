"use client";

import { useState, type FormEvent } from "react";
import type { z } from "zod";
import { describeError, fieldErrors, type FieldErrors } from "@/lib/forms";

/**
 * One way a form submits: the form's fields through the procedure's own zod schema, then `submit`;
 * the field errors (client-side or the server's zod issues), a readable message and the pending
 * state come back for the form to show. `submit` may answer a sentence to show on success, and learns
 * which submit button was pressed (its `value`: one form, two actions). `read` turns the FormData into
 * the schema's input. `setMessage` lets an action beside the form (a remove button) answer in the same place.
 */
export function useZodForm<S extends z.ZodType>(
  schema: S,
  submit: (input: z.output<S>, form: HTMLFormElement, intent: string | undefined) => Promise<string | void>,
  read: (data: FormData) => unknown = (data) => Object.fromEntries(data),
) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const intent = submitter instanceof HTMLButtonElement ? submitter.value : undefined;
    const parsed = schema.safeParse(read(new FormData(form)));
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error.issues));
      setMessage({ ok: false, text: "Please correct the highlighted fields." });
      return;
    }
    setErrors({});
    setMessage(null);
    setPending(true);
    try {
      const done = await submit(parsed.data, form, intent);
      if (done) setMessage({ ok: true, text: done });
    } catch (err) {
      const d = describeError(err);
      setErrors(d.fields);
      setMessage({ ok: false, text: d.message });
    } finally {
      setPending(false);
    }
  }

  const reset = () => {
    setErrors({});
    setMessage(null);
  };

  return { errors, message, pending, onSubmit, reset, setMessage };
}
