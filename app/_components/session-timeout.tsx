"use client";

import { signOut, useSession } from "next-auth/react";
import { useEffect, useRef, useState } from "react";

const WARN_SECONDS = 60;
const REFRESH_EVERY_MS = 60_000;

/**
 * Automatic logoff in the browser: activity refreshes the session (at most once a minute), a
 * warning appears a minute before the deadline, and at the deadline the user is signed out.
 * The server enforces the same limits on every request whatever this component does.
 */
export function SessionTimeout() {
  const { data, status, update } = useSession();
  const [left, setLeft] = useState<number | null>(null);
  const lastRefresh = useRef(0);
  const stayButton = useRef<HTMLButtonElement>(null);
  const deadline = data?.expires ? new Date(data.expires).getTime() : null;

  useEffect(() => {
    if (status !== "authenticated") return;
    const onActivity = () => {
      if (Date.now() - lastRefresh.current < REFRESH_EVERY_MS) return;
      lastRefresh.current = Date.now();
      void update();
    };
    const events = ["keydown", "pointerdown", "scroll"] as const;
    events.forEach((e) => window.addEventListener(e, onActivity, { passive: true }));
    return () => events.forEach((e) => window.removeEventListener(e, onActivity));
  }, [status, update]);

  useEffect(() => {
    if (!deadline) return;
    const tick = () => {
      const seconds = Math.round((deadline - Date.now()) / 1000);
      setLeft(seconds);
      if (seconds <= 0)
        void signOut({
          callbackUrl: `/login?error=SessionExpired&callbackUrl=${encodeURIComponent(window.location.pathname)}`,
        });
    };
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [deadline]);

  const warning = status === "authenticated" && left !== null && left <= WARN_SECONDS && left > 0;
  useEffect(() => {
    if (warning) stayButton.current?.focus();
  }, [warning]);
  if (!warning) return null;
  return (
    <div
      className="session-warning"
      role="alertdialog"
      aria-modal="false"
      aria-labelledby="session-warning-title"
      aria-describedby="session-warning-text"
    >
      <p id="session-warning-title">
        <strong>Still there?</strong>
      </p>
      <p id="session-warning-text">For patient privacy you will be signed out in {left} seconds.</p>
      <button ref={stayButton} type="button" onClick={() => void update()}>
        Stay signed in
      </button>
    </div>
  );
}
