"use client";

import type { ReactNode } from "react";
import { formatDateTime } from "@/lib/time";

export interface SessionRow {
  id: string;
  device: string;
  createdAt: Date;
  lastSeenAt: Date;
  current: boolean;
}

/** Live sessions as a list: device, signed in, last seen, "this device"; `action` renders each row's button. */
export function SessionsList({
  sessions,
  label,
  action,
  timeZone,
}: {
  sessions: SessionRow[];
  label: string;
  /** The practice's time zone (times read in it, with its abbreviation). */
  timeZone: string;
  action?: (s: SessionRow) => ReactNode;
}) {
  const when = (d: Date) => formatDateTime(new Date(d), timeZone);
  if (sessions.length === 0) return <p className="empty">No active sessions.</p>;
  return (
    <ul className="plain sessions" aria-label={label}>
      {sessions.map((s) => (
        <li key={s.id} data-testid="session">
          <span>
            <strong>{s.device}</strong> {s.current && <span className="this-device">this device</span>}
            <br />
            <span className="muted">
              Signed in {when(s.createdAt)} · last seen {when(s.lastSeenAt)}
            </span>
          </span>
          {action?.(s)}
        </li>
      ))}
    </ul>
  );
}
