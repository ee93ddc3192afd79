"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { bound, Field } from "@/app/_components/field";
import { Options } from "@/app/_components/options";
import { FormMessage } from "@/app/_components/form-message";
import { useZodForm } from "@/app/_components/use-zod-form";
import { timeZoneInput } from "@/lib/schemas/settings";
import { formatTime, timeZones } from "@/lib/time";
import { useTRPC } from "@/lib/trpc/client";

/** Admin → Settings → Time zone: every time of the practice is shown in this zone, with its abbreviation. */
export function TimeZoneForm({
  current,
  chosen,
  serverZone,
}: {
  current: string;
  chosen: boolean;
  serverZone: string;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [value, setValue] = useState(current);
  const set = useMutation(trpc.admin.timeZone.set.mutationOptions());
  const zones = useMemo(() => timeZones(), []);
  const now = new Date();
  const { errors, message, pending, onSubmit } = useZodForm(timeZoneInput, async (input) => {
    await set.mutateAsync(input);
    router.refresh();
    return `Time zone saved: times now read like ${formatTime(now, input.timeZone)}.`;
  });

  return (
    <section className="card narrow" aria-labelledby="tz-heading">
      <h2 id="tz-heading">Time zone</h2>
      <p className="muted">
        Every time in the practice (visits, notes, emergency access, the audit log) is shown in this zone with its
        abbreviation, whatever the device&apos;s own clock says.{" "}
        {chosen ? "" : `Not chosen yet: the server's zone (${serverZone}) is used.`}
      </p>
      <form onSubmit={onSubmit} noValidate>
        <Field
          as="select"
          label="Practice time zone"
          name="timeZone"
          {...bound(value, setValue)}
          error={errors.timeZone}
          hint={
            <span suppressHydrationWarning>
              Now in {value.replaceAll("_", " ")}: {formatTime(now, value)}
            </span>
          }
        >
          <Options items={zones} value={(z) => z} label={(z) => z.replaceAll("_", " ")} />
        </Field>
        <button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save time zone"}
        </button>
      </form>
      <FormMessage message={message} />
    </section>
  );
}
