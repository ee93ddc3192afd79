"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useMemo, useState, type FormEvent } from "react";
import { describeError } from "@/lib/forms";
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
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const set = useMutation(trpc.admin.timeZone.set.mutationOptions());
  const zones = useMemo(() => timeZones(), []);
  const now = new Date();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const parsed = timeZoneInput.safeParse({ timeZone: value });
    if (!parsed.success) {
      setMessage({ ok: false, text: parsed.error.issues[0]?.message ?? "Choose a time zone" });
      return;
    }
    try {
      await set.mutateAsync(parsed.data);
      setMessage({ ok: true, text: `Time zone saved: times now read like ${formatTime(now, parsed.data.timeZone)}.` });
      router.refresh();
    } catch (e) {
      setMessage({ ok: false, text: describeError(e).message });
    }
  }

  return (
    <section className="card narrow" aria-labelledby="tz-heading">
      <h2 id="tz-heading">Time zone</h2>
      <p className="muted">
        Every time in the practice (visits, notes, emergency access, the audit log) is shown in this zone with its
        abbreviation, whatever the device&apos;s own clock says.{" "}
        {chosen ? "" : `Not chosen yet: the server's zone (${serverZone}) is used.`}
      </p>
      <form onSubmit={onSubmit} noValidate>
        <label htmlFor="tz-select">Practice time zone</label>
        <select id="tz-select" value={value} onChange={(e) => setValue(e.target.value)} aria-describedby="tz-now">
          {zones.map((z) => (
            <option key={z} value={z}>
              {z.replaceAll("_", " ")}
            </option>
          ))}
        </select>
        <p id="tz-now" className="muted" suppressHydrationWarning>
          Now in {value.replaceAll("_", " ")}: {formatTime(now, value)}
        </p>
        <button type="submit" disabled={set.isPending}>
          {set.isPending ? "Saving…" : "Save time zone"}
        </button>
      </form>
      {message && (
        <p className={message.ok ? "notice" : "alert"} role="status">
          {message.text}
        </p>
      )}
    </section>
  );
}
