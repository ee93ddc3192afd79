"use client";

import { useSyncExternalStore } from "react";
import { TimeZoneForm } from "./settings/time-zone-form";

const noChange = () => () => {};

/**
 * Setup for a practice whose admin has not chosen a time zone: the form, offering the admin's
 * browser zone (known only in the browser, so it appears after the first render).
 */
export function TimeZonePrompt({ serverZone }: { serverZone: string }) {
  const browserZone = useSyncExternalStore(
    noChange,
    () => Intl.DateTimeFormat().resolvedOptions().timeZone || serverZone,
    () => null,
  );
  return (
    <div className="setup-prompt" role="region" aria-label="Choose the practice's time zone">
      <p className="setup-note">
        Choose your practice&apos;s time zone: every visit, note and audit time is shown in it. Until then the
        server&apos;s zone ({serverZone}) is used.
        {browserZone && browserZone !== serverZone ? ` Your browser is in ${browserZone}, offered below.` : ""}
      </p>
      {browserZone && <TimeZoneForm current={browserZone} chosen={false} serverZone={serverZone} />}
    </div>
  );
}
